package io.gradreg.store;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Collections;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded database serves other local processes on loopback only. */
class DatabaseExposureTest {

    @Test
    void theEmbeddedServerListensOnLoopbackOnly(@TempDir Path dir) throws Exception {
        Database database = new Database(Database.embeddedUrl(dir), "", "");
        try (Connection c = database.getConnection()) {
            c.isValid(5);
            Properties lock = new Properties();
            try (InputStream in = Files.newInputStream(dir.resolve("gradreg.lock.db"))) {
                lock.load(in);
            }
            String server = lock.getProperty("server");
            assertTrue(server != null && InetAddress.getByName(server.substring(0, server.lastIndexOf(':')))
                    .isLoopbackAddress(), "the lock file names a loopback server: " + server);
            int port = Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
            try (Socket local = new Socket()) {
                local.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            }
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address) {
                        assertThrows(IOException.class, () -> {
                            try (Socket remote = new Socket()) {
                                remote.connect(new InetSocketAddress(address, port), 2000);
                            }
                        }, "port " + port + " must not answer on " + address);
                    }
                }
            }
        }
    }

    @Test
    void aFailedStatementLeavesNoTraceFile(@TempDir Path dir) throws Exception {
        // JBeret asks a new store for tables it has not made yet; H2 would write that to gradreg.trace.db
        Database database = new Database(Database.embeddedUrl(dir), "", "");
        try (Connection c = database.getConnection(); var statement = c.createStatement()) {
            assertThrows(java.sql.SQLException.class, () -> statement.executeQuery("SELECT * FROM PARTITION_EXECUTION"));
        }
        assertTrue(Files.exists(dir.resolve("gradreg.mv.db")));
        assertTrue(Files.notExists(dir.resolve("gradreg.trace.db")), "no H2 trace file");
    }

    @Test
    void messagesNeverShowCredentials() {
        org.junit.jupiter.api.Assertions.assertEquals("jdbc:h2:file:/x/gradreg;PASSWORD=***;USER=***;AUTO_SERVER=TRUE",
                Database.mask("jdbc:h2:file:/x/gradreg;PASSWORD=s3cret;USER=sa;AUTO_SERVER=TRUE"));
        org.junit.jupiter.api.Assertions.assertEquals("jdbc:postgresql://db:5432/gradreg",
                Database.mask("jdbc:postgresql://db:5432/gradreg?user=u&password=s3cret"));
        org.junit.jupiter.api.Assertions.assertEquals("http://***@push:9091/metrics",
                Database.mask("http://user:s3cret@push:9091/metrics"));
        String message = new Database("jdbc:h2:mem:x;PASSWORD=s3cret", "", "").describe();
        assertTrue(!message.contains("s3cret"), message);
    }
}
