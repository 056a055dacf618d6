package io.gradreg.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gradreg.store.Database;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store is private to its user whatever the working directory's mode: docs/jobs.md's
 * own {@code mkdir -p gradreg-work/plugins} makes it 0755, and the H2 lock file names the
 * auto-server's port and key.
 */
class PrivateStoreTest {

    @Test
    void filesAreOwnerOnlyAndTheServerRefusesWhoeverReadsTheLockFile(@TempDir Path base) throws Exception {
        Path work = base.resolve("gradreg-work");
        Files.createDirectories(work.resolve("plugins"));
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Workspace workspace = workspace(work);
        try (Connection c = workspace.database().getConnection()) {
            c.createStatement().execute("CREATE TABLE results(accuracy DOUBLE)");
            try (Stream<Path> files = Files.list(work)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
                    assertEquals("rw-------", PosixFilePermissions.toString(mode), file.getFileName().toString());
                }
            }
            assertTrue(Files.exists(work.resolve("gradreg.lock.db")), "the auto-server's lock file is there");
            String server = lockFile(work).getProperty("server");
            String tcp = "jdbc:h2:tcp://" + server + "/" + lockFile(work).getProperty("id");
            for (String user : new String[] {"", "SA"}) {
                SQLException refused = assertThrows(SQLException.class, () -> DriverManager.getConnection(tcp, user, "").close(),
                        "knowing the lock file's port and key is not enough (user '" + user + "')");
                assertEquals("28000", refused.getSQLState(), refused.getMessage());
            }
            c.createStatement().execute("SHUTDOWN");
        }
    }

    @Test
    void aStoreMadeWithoutPasswordGetsOneAndNoLongerAdmitsTheEmptyOne(@TempDir Path work) throws Exception {
        String url = Database.embeddedUrl(work);
        try (Connection old = DriverManager.getConnection(url, "", "")) {
            old.createStatement().execute("CREATE TABLE results(accuracy DOUBLE)");
            old.createStatement().execute("INSERT INTO results VALUES (0.97)");
            old.createStatement().execute("SHUTDOWN");
        }
        try (Connection c = workspace(work).database().getConnection()) {
            var rs = c.createStatement().executeQuery("SELECT accuracy FROM results");
            assertTrue(rs.next());
            assertEquals(0.97, rs.getDouble(1));
            SQLException refused = assertThrows(SQLException.class, () -> DriverManager.getConnection(url, "", "").close());
            assertEquals("28000", refused.getSQLState(), refused.getMessage());
            c.createStatement().execute("SHUTDOWN");
        }
    }

    @Test
    void aPasswordFileOthersCanReadIsRefused(@TempDir Path work) throws Exception {
        workspace(work).database();
        Path password = work.resolve("db-password");
        Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-r--r--"));
        RuntimeException e = assertThrows(RuntimeException.class, () -> workspace(work).database());
        assertEquals(password + " (the database password) is readable by other users, who could open the database "
                + "with it: chmod 600 " + password, e.getMessage());
    }

    private static Workspace workspace(Path work) {
        Workspace workspace = new Workspace();
        workspace.workDir = work;
        workspace.dbUrl = Optional.empty();
        workspace.dbUser = Optional.empty();
        workspace.dbPassword = Optional.empty();
        return workspace;
    }

    private static Properties lockFile(Path work) throws Exception {
        Properties lock = new Properties();
        try (InputStream in = Files.newInputStream(work.resolve("gradreg.lock.db"))) {
            lock.load(in);
        }
        return lock;
    }
}
