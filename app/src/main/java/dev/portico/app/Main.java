package dev.portico.app;

import sun.misc.Signal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/** The command line: {@code portico serve} (the default), {@code portico train} or {@code portico help}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        try {
            Logging.configure(Logging.LogSettings.fromEnvironment(System.getenv()));
        } catch (Settings.InvalidSettings e) {
            System.err.println("portico: " + e.getMessage());
            System.exit(2);
        }
        String command = args.length == 0 ? "serve" : args[0];
        switch (command) {
            case "serve" -> serve();
            case "train" -> train();
            case "help", "-h", "--help" -> usage(System.out);
            default -> {
                System.err.println("portico: unknown command '" + command + "'");
                usage(System.err);
                System.exit(2);
            }
        }
    }

    /** Runs until the process is told to stop; exits non-zero with a readable reason when it cannot start. */
    private static void serve() {
        Settings settings;
        try {
            settings = Settings.fromEnvironment(System.getenv());
        } catch (Settings.InvalidSettings e) {
            System.err.println("portico: " + e.getMessage());
            System.exit(2);
            return;
        }
        Portico portico;
        try {
            portico = Portico.start(settings);
        } catch (RuntimeException e) {
            System.err.println("portico: could not start: " + describe(e));
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        // SIGTERM and SIGINT stop gracefully (requests in flight finish, up to PORTICO_SHUTDOWN_GRACE_MS); a second one
        // stops at once. Any other exit still closes Portico through the hook.
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> {
                if (stopping.compareAndSet(false, true)) {
                    Thread.ofPlatform().name("portico-stop").start(() -> {
                        portico.stop();
                        stopped.countDown();
                    });
                } else {
                    System.err.println("portico: second SIG" + signal.getName() + ": stopping at once");
                    Runtime.getRuntime().halt(128 + signal.getNumber());
                }
            });
        }
        // SIGHUP, as logrotate's postrotate sends it: the access log's file is opened again by its path
        Signal.handle(new Signal("HUP"), signal -> portico.reopenLogs());
        Runtime.getRuntime().addShutdownHook(new Thread(portico::close, "portico-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.exit(0);
    }

    /** A short run of Portico's work for the JVM's ahead-of-time cache (see {@link Training}). */
    private static void train() {
        try {
            Training.run(Path.of(System.getProperty("java.io.tmpdir")), Training.ROUNDS);
        } catch (Exception e) {
            System.err.println("portico: training failed: " + describe(e));
            System.exit(1);
        }
    }

    private static String describe(Throwable e) {
        StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !message.toString().contains(cause.getMessage())) {
                message.append(": ").append(cause.getMessage());
            }
        }
        return message.toString();
    }

    private static void usage(PrintStream out) {
        out.println("""
                usage: portico [serve|train|help]
                  serve   run the proxy and the admin API (the default)
                  train   a short run on loopback for the JVM's ahead-of-time cache (run with -XX:AOTCacheOutput)
                configuration (environment):
                  PORTICO_DATA_DIR        data directory: embedded database, admin-token file (./data)
                  PORTICO_HTTP_HOST/PORT  proxy listener (0.0.0.0:8080; port 0 picks a free port)
                  PORTICO_ADMIN_HOST/PORT admin API listener (127.0.0.1:9090)
                  PORTICO_ADMIN_TOKEN     admin bearer token (else one is generated into <data dir>/admin-token)
                  PORTICO_TRUSTED_PROXIES addresses/CIDRs whose X-Forwarded-* headers are kept
                  PORTICO_DATABASE_URL    JDBC URL of a shared PostgreSQL (else embedded H2), with
                                          PORTICO_DATABASE_USER and PORTICO_DATABASE_PASSWORD
                  PORTICO_LOG_LEVEL       error, warn, info (the default) or debug
                  PORTICO_LOG_FORMAT      text (the default) or json lines
                see README.md for the rest""");
    }
}
