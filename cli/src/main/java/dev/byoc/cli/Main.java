package dev.byoc.cli;

/** The {@code byoc} command's entry point (the shaded jar's Main-Class). */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int exit = Byoc.run(Env.system(), args);
        stopHttpSelectors();
        System.exit(exit);
    }

    /**
     * On JDK 17 the HttpClient's selector thread sits in epoll (native code), and the JVM waits
     * ~300 ms for threads in native code before it exits: a third of a short command's run time.
     * Interrupting it makes it leave its loop at once (JDK 21's HttpClient.close() does the same).
     */
    static void stopHttpSelectors() {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("HttpClient-") && thread.getName().endsWith("-SelectorManager")) {
                thread.interrupt();
                try {
                    thread.join(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
