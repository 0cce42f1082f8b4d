package dev.byoc.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL for tests: a container (Testcontainers) when {@code BYOC_TEST_INFRA=testcontainers}
 * and a Docker engine is there; else the server at 127.0.0.1:5432 when it answers; else one started
 * from the local installation (initdb + pg_ctl on a free port); else a container if Docker is there. Every caller gets a fresh database,
 * dropped when the JVM exits, so runs never see each other's data.
 */
public final class PostgresServer {
    private static PostgresServer shared;

    private final String host;
    private final int port;
    private final String user;
    private final List<String> databases = new ArrayList<>();
    private final Runnable stopServer;
    private List<String> pauseCommand = List.of();
    private List<String> resumeCommand = List.of();

    private PostgresServer(String host, int port, String user, Runnable stopServer) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.stopServer = stopServer;
    }

    /**
     * A server of its own, started from the local installation on a free port, that a test may
     * stop and start again ({@link #pause()}, {@link #resume()}) to play a database outage.
     * Empty when no installation is there (the test then has nothing to stop).
     */
    public static Optional<PostgresServer> ofItsOwn() {
        Optional<PostgresServer> server = installationBin().map(PostgresServer::startLocal);
        server.ifPresent(s -> Runtime.getRuntime().addShutdownHook(new Thread(s::close)));
        return server;
    }

    /** Stops the server (fast shutdown: sessions are cut, as in a crash or failover); keeps its data and port. */
    public void pause() {
        run(pauseCommand);
    }

    /** Starts it again on the same port with the same data, and waits until it accepts connections. */
    public void resume() {
        run(resumeCommand);
    }

    public static synchronized PostgresServer shared() {
        if (shared == null) {
            shared = locateOrStart();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String user() {
        return user;
    }

    public String jdbcUrl(String database) {
        return "jdbc:" + url(database);
    }

    /** The URL the services take ({@code BYOC_DB_URL}): libpq's form, which the reactive client reads. */
    public String url(String database) {
        return "postgresql://" + host + ":" + port + "/" + database;
    }

    /** A new empty database with a unique name. */
    public synchronized String createDatabase(String prefix) {
        String name = (prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).replace('-', '_');
        execute("CREATE DATABASE " + name);
        databases.add(name);
        return name;
    }

    private void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), user, "");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    private synchronized void close() {
        for (String database : databases) {
            try {
                execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            } catch (RuntimeException ignored) {
                // best effort at JVM exit
            }
        }
        stopServer.run();
    }

    private static PostgresServer locateOrStart() {
        String host = System.getenv().getOrDefault("BYOC_TEST_PGHOST", "127.0.0.1");
        int port = Integer.parseInt(System.getenv().getOrDefault("BYOC_TEST_PGPORT", "5432"));
        String user = System.getenv().getOrDefault("BYOC_TEST_PGUSER", "postgres");
        if (Containers.requested() && Containers.dockerAvailable()) {
            return inContainer();
        }
        if (Ports.answers(host, port)) {
            return new PostgresServer(host, port, user, () -> { });
        }
        Optional<Path> bin = installationBin();
        if (bin.isEmpty() && Containers.dockerAvailable()) {
            return inContainer();
        }
        if (bin.isEmpty()) {
            throw new IllegalStateException("No PostgreSQL answers at " + host + ":" + port
                    + " and no local installation was found under /usr/lib/postgresql. Install PostgreSQL "
                    + "(apt-get install postgresql), start one and set BYOC_TEST_PGHOST/BYOC_TEST_PGPORT, or run a Docker "
                    + "engine (Testcontainers is then used).");
        }
        return startLocal(bin.get());
    }

    private static PostgresServer inContainer() {
        Containers.Started postgres = Containers.postgres();
        return new PostgresServer(postgres.host(), postgres.port(), "postgres", postgres.stop());
    }

    /** A program of the local PostgreSQL installation (pgbench, psql), when there is one. */
    public static Optional<Path> program(String name) {
        return installationBin().map(bin -> bin.resolve(name)).filter(Files::isExecutable);
    }

    private static Optional<Path> installationBin() {
        Path base = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(base)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(base)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.naturalOrder());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static PostgresServer startLocal(Path bin) {
        try {
            int port = Ports.free();
            Path dir = Files.createTempDirectory("byoc-pg-");
            Path data = dir.resolve("data");
            boolean root = "root".equals(System.getProperty("user.name"));
            List<String> asUser = root ? List.of("runuser", "-u", "postgres", "--") : List.of();
            if (root) {
                run(List.of("chown", "-R", "postgres", dir.toString()));
            }
            run(concat(asUser, bin.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", "postgres"));
            List<String> start = concat(asUser, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
                    dir.resolve("pg.log").toString(), "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir
                            + " -c fsync=off -c synchronous_commit=off", "-w", "start");
            run(start);
            Runnable stop = () -> {
                try {
                    run(concat(asUser, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "stop"));
                } catch (RuntimeException ignored) {
                    // best effort at JVM exit
                }
            };
            PostgresServer server = new PostgresServer("127.0.0.1", port, "postgres", stop);
            server.resumeCommand = start;
            server.pauseCommand = concat(asUser, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast",
                    "-w", "stop");
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> concat(List<String> prefix, String... rest) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(List.of(rest));
        return all;
    }

    private static void run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
