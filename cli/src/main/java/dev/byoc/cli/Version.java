package dev.byoc.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The build's version (a filtered resource: no manifest parsing at start-up). */
public final class Version implements picocli.CommandLine.IVersionProvider {
    private static String version;

    public static synchronized String get() {
        if (version == null) {
            Properties p = new Properties();
            try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException ignored) {
                // unknown
            }
            String v = p.getProperty("version");
            version = v == null || v.startsWith("$") ? "dev" : v;
        }
        return version;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"byoc " + get() + " (Java " + System.getProperty("java.version") + ")"};
    }
}
