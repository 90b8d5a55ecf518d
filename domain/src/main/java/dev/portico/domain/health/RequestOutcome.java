package dev.portico.domain.health;

/** How one forwarded request to a target ended, as passive health counts it. */
public enum RequestOutcome {
    /** An answer below 500, or a 5xx when the upstream does not count those. */
    SUCCESS,
    /** The connection could not be made. */
    DIAL_FAILED,
    /** The connection broke while sending or before the answer began. */
    IO_FAILED,
    /** The target did not answer in time. */
    TIMED_OUT,
    /** The target answered with a 5xx status. */
    SERVER_ERROR,
    /** The client went away or the request was abandoned: says nothing about the target. */
    CANCELLED;

    /** Whether this outcome counts against the target when 5xx answers do ({@code count5xx}) or not. */
    public boolean isFailure(boolean count5xx) {
        return switch (this) {
            case DIAL_FAILED, IO_FAILED, TIMED_OUT -> true;
            case SERVER_ERROR -> count5xx;
            case SUCCESS, CANCELLED -> false;
        };
    }
}
