package io.gradreg.store;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The JDBC database holding job state and results: an embedded H2 file database in the working
 * directory by default, PostgreSQL (or any URL) when configured. Credentials are never logged or
 * put in messages.
 */
public final class Database implements DataSource {

    static {
        // The embedded database's auto-server (other local gradreg processes, e.g. 'gradreg status',
        // connect through it) listens on loopback only: an H2 connection can define Java functions,
        // so reaching that port from another machine would be code execution. H2 reads this
        // property once, when its classes load, which is after this class loads.
        if (System.getProperty("h2.bindAddress") == null) {
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
    }

    private final String url;
    private final String user;
    private final String password;
    private final long outageMillis;
    private final EmbeddedH2 embedded;
    private volatile boolean outageReported;
    private volatile boolean databaseFileCreated;

    public Database(String url, String user, String password) {
        this(url, user, password, 60);
    }

    /**
     * @param outageSeconds how long an unreachable database is waited for, with backoff, once the
     *     job has started (connections, and every store operation), before giving up
     */
    public Database(String url, String user, String password, int outageSeconds) {
        this(url, user, password, outageSeconds, null);
    }

    private Database(String url, String user, String password, int outageSeconds, EmbeddedH2 embedded) {
        this.url = url;
        this.user = user == null ? "" : user;
        this.password = password == null ? "" : password;
        this.outageMillis = outageSeconds * 1000L;
        this.embedded = embedded;
    }

    /**
     * The embedded H2 database of {@code workDir} ({@link #embeddedUrl}), private to its user: its
     * files owner-only and its server admitting only the password kept owner-only beside it
     * ({@link EmbeddedH2}), unless {@code password} is given. The directory must exist.
     */
    public static Database embedded(Path workDir, String user, String password, int outageSeconds) {
        EmbeddedH2 files = new EmbeddedH2(workDir);
        String secret = password == null || password.isEmpty() ? files.password() : password;
        return new Database(embeddedUrl(workDir), user, secret, outageSeconds, files);
    }

    /** How long an outage is ridden out, in milliseconds. */
    long outageMillis() {
        return outageMillis;
    }

    /**
     * Sleeps before the next attempt of an operation that found the database unreachable, unless
     * the outage has lasted {@code outageMillis} since {@code firstFailure} (then false: give up).
     */
    boolean backOff(long firstFailure, int attempt, Throwable cause) {
        long waited = System.currentTimeMillis() - firstFailure;
        if (waited >= outageMillis) {
            return false;
        }
        if (!outageReported) {
            outageReported = true;
            System.err.println("gradreg: the database " + describe() + " is unreachable (" + scrub(cause.getMessage())
                    + "); retrying for up to " + outageMillis / 1000 + " s (gradreg.db.outage-seconds)");
        }
        try {
            Thread.sleep(Math.min(Math.min(5000, 250L << Math.min(attempt, 5)), outageMillis - waited));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return true;
    }

    /**
     * The embedded default: {@code <workDir>/gradreg.mv.db}. The process that opens it first keeps it
     * open and serves it to other local processes ({@code gradreg status} while a job runs).
     * {@code WRITE_DELAY=0}: a commit reaches the file before it returns (H2's default writes up to
     * half a second later), so a SIGKILLed process loses no committed state; without it, a killed
     * job fell back to an earlier moment, and a step it was seen to start was gone (KillAnywhereIT).
     * {@code TRACE_LEVEL_FILE=0}: no {@code gradreg.trace.db}; H2 wrote there what gradreg reports
     * itself, and JBeret's look for its tables in a new store ("Table PARTITION_EXECUTION not found").
     */
    public static String embeddedUrl(Path workDir) {
        return "jdbc:h2:file:" + workDir.toAbsolutePath().normalize().resolve("gradreg")
                + ";AUTO_SERVER=TRUE;DB_CLOSE_DELAY=-1;WRITE_DELAY=0;TRACE_LEVEL_FILE=0";
    }

    public boolean isPostgres() {
        return url.startsWith("jdbc:postgresql:");
    }

    /**
     * Runs {@code work} (creating tables) while no other process does the same on this database.
     * Processes that start together on a fresh PostgreSQL database (the shards of a Kubernetes
     * Indexed Job) would otherwise race: concurrent {@code CREATE TABLE IF NOT EXISTS} can fail
     * there, and JBeret checks for its tables before creating them. A session-level advisory lock
     * serializes them; it is released with the connection if the process dies. H2 needs nothing.
     */
    public <T> T withSchemaLock(Supplier<T> work) {
        if (!isPostgres()) {
            return work.get();
        }
        try (Connection c = getConnection()) {
            try (var ps = c.prepareStatement("SELECT pg_advisory_lock(?)")) {
                ps.setLong(1, SCHEMA_LOCK);
                ps.execute();
            }
            try {
                return work.get();
            } finally {
                try (var ps = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                    ps.setLong(1, SCHEMA_LOCK);
                    ps.execute();
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot lock " + describe() + " to create tables: " + scrub(e.getMessage()), e);
        }
    }

    /** Advisory lock key of schema creation: "gradreg" in ASCII. */
    private static final long SCHEMA_LOCK = 0x67726164726567L;

    /**
     * SQL for the database's local clock plus {@code ?} seconds, in the session's time zone: only
     * for column {@code lease_until}, which older builds compare.
     */
    String secondsFromNow() {
        return isPostgres() ? "(LOCALTIMESTAMP + ? * INTERVAL '1 second')" : "DATEADD(SECOND, ?, LOCALTIMESTAMP)";
    }

    /**
     * SQL for the instant {@code ?} seconds from now on the database's clock ({@code TIMESTAMP WITH
     * TIME ZONE}): leases compare instants, so clients in any time zone, or across a change of
     * daylight saving time, agree on them.
     */
    String instantSecondsFromNow() {
        return isPostgres() ? "(CURRENT_TIMESTAMP + ? * INTERVAL '1 second')" : "DATEADD(SECOND, ?, CURRENT_TIMESTAMP)";
    }

    /** The URL without credentials. */
    public String describe() {
        return mask(url);
    }

    /**
     * A driver's message fit for users: the URL (drivers repeat it) shown as {@link #describe()},
     * the password masked wherever it appears.
     */
    public String scrub(String message) {
        if (message == null) {
            return null;
        }
        String out = message.replace(url, describe());
        if (!password.isEmpty()) {
            out = out.replace(password, "***");
        }
        return maskSecrets(out);
    }

    /** Free text with any {@code password=…}, {@code ;PASSWORD=…} or {@code //user:password@} masked. */
    public static String maskSecrets(String text) {
        if (text == null) {
            return null;
        }
        return text.replaceAll("(?i)(password\\s*=)[^&;\\s]*", "$1***").replaceAll("//[^/@\\s]*@", "//***@");
    }

    /**
     * A URL fit for messages, logs and labels: query parameters dropped (they may carry a
     * password), H2's {@code ;PASSWORD=…}-style settings and any {@code user:password@} masked.
     */
    public static String mask(String url) {
        if (url == null) {
            return null;
        }
        int q = url.indexOf('?');
        String shown = q < 0 ? url : url.substring(0, q);
        shown = shown.replaceAll("(?i)(;\\s*(PASSWORD|USER|FILE_PASSWORD|CIPHER)\\s*=)[^;]*", "$1***");
        return shown.replaceAll("//[^/@]*@", "//***@");
    }

    /** Connects once, without riding out an outage (at launch, a wrong URL should fail fast), or explains why not. */
    public void check() {
        try (Connection c = connect()) {
            c.isValid(5);
        } catch (SQLException e) {
            throw new StoreException("cannot connect to the database " + describe() + ": " + scrub(e.getMessage())
                    + "; check gradreg.db.url / GRADREG_DB_URL, GRADREG_DB_USER and GRADREG_DB_PASSWORD", e);
        }
    }

    /**
     * A new connection. An embedded H2 database opened by two processes at the same moment (a job
     * and a {@code gradreg status}) refuses one of them briefly while the first takes the lock and
     * starts serving it; that case is retried for a few seconds.
     */
    @Override
    public Connection getConnection() throws SQLException {
        long firstFailure = 0;
        for (int attempt = 0; ; attempt++) {
            try {
                return connect();
            } catch (SQLException e) {
                if (!StoreException.isUnavailable(e)) {
                    throw e;
                }
                firstFailure = firstFailure == 0 ? System.currentTimeMillis() : firstFailure;
                if (!backOff(firstFailure, attempt, e)) {
                    throw e;
                }
            }
        }
    }

    /**
     * One connection attempt (retrying only H2's brief lock race between two starting processes);
     * the store's operations retry outages around it themselves ({@code Jdbc}).
     */
    Connection connect() throws SQLException {
        if (embedded == null) {
            return connectRacing();
        }
        if (!databaseFileCreated) {
            embedded.createDatabaseFile();
            databaseFileCreated = true;
        }
        Connection c;
        try {
            c = connectRacing();
        } catch (SQLException e) {
            c = adoptPasswordless(e);
        }
        embedded.restrict();
        return c;
    }

    /**
     * A store made by a build before databases had passwords admits the empty one: it gets this
     * store's password (older builds' processes then no longer get in). Otherwise {@code refused}.
     */
    private Connection adoptPasswordless(SQLException refused) throws SQLException {
        if (!"28000".equals(refused.getSQLState()) || password.isEmpty()) {
            throw refused;
        }
        Connection c;
        try {
            c = DriverManager.getConnection(url, user, "");
        } catch (SQLException e) {
            throw refused;
        }
        try (var statement = c.createStatement()) {
            // the password is 64 hexadecimal digits (EmbeddedH2), the user gradreg.db.user: quoted as H2 quotes
            statement.execute("ALTER USER \"" + user.toUpperCase(java.util.Locale.ROOT).replace("\"", "\"\"")
                    + "\" SET PASSWORD '" + password.replace("'", "''") + "'");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private Connection connectRacing() throws SQLException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                return DriverManager.getConnection(url, user, password);
            } catch (SQLException e) {
                boolean lockRace = e.getMessage() != null && e.getMessage().contains("Lock file recently modified");
                if (!lockRace || System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Override
    public Connection getConnection(String username, String pass) throws SQLException {
        return DriverManager.getConnection(url, username, pass);
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
        DriverManager.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() {
        return DriverManager.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper of " + type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}
