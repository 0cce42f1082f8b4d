package dev.byoc.cli;

/** The exit codes every command uses; scripts may rely on them. */
public final class ExitCodes {
    /** Done. */
    public static final int OK = 0;
    /** The operation failed: AWS validation failed, the cluster failed, teardown failed, the user said no. */
    public static final int FAILED = 1;
    /** Usage or input error: a bad flag, a spec that breaks the rules, a name that does not exist. */
    public static final int USAGE = 2;
    /** --wait ran out of --timeout; the operation goes on in the background. */
    public static final int TIMEOUT = 3;
    /** Cannot reach the registry, or it refused the API key. */
    public static final int UNREACHABLE = 4;

    private ExitCodes() {
    }
}
