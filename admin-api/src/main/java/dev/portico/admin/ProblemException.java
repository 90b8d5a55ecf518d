package dev.portico.admin;

/**
 * A request refused for what it holds (a header, a parameter, its body), thrown where the fault is found so that a
 * handler reads as the request going through; {@link AdminApi} answers it, once for all, with its problem+json. Being
 * expected, it carries no stack trace.
 */
final class ProblemException extends RuntimeException {
    private final transient Problem problem;

    ProblemException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    Problem problem() {
        return problem;
    }
}
