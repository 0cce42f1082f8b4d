package dev.byoc.cli;

/** The {@code byoc} command's entry point (the shaded jar's Main-Class). */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(Byoc.run(Env.system(), args));
    }
}
