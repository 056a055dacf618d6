package io.gradreg.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsServerTest {

    private static final String HOST = Ports.LOOPBACK;

    static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url);
        assertEquals(MetricsServer.CONTENT_TYPE, r.headers().firstValue("Content-Type").orElse(""));
        return r.body();
    }

    @Test
    void servesTheExpositionOnTheConfiguredPort() throws Exception {
        int port = Ports.freeRange(1);
        try (MetricsServer server = MetricsServer.start(HOST, port, () -> "gradreg_up 1\n")) {
            assertEquals(port, server.port());
            assertFalse(server.movedFromRequestedPort());
            assertEquals("gradreg_up 1\n", get("http://" + HOST + ":" + port + "/q/metrics"));
            assertEquals("metrics: http://127.0.0.1:" + port + "/q/metrics", server.describe());
        }
    }

    @Test
    void aTakenPortMovesTheSecondJobToTheNextFreePortAndSaysSo() throws Exception {
        int port = Ports.freeRange(MetricsServer.PORT_ATTEMPTS);
        try (MetricsServer first = MetricsServer.start(HOST, port, () -> "first 1\n");
                MetricsServer second = MetricsServer.start(HOST, port, () -> "second 2\n")) {
            assertEquals(port, first.port());
            assertEquals(port + 1, second.port());
            assertTrue(second.movedFromRequestedPort());
            assertEquals("metrics: http://127.0.0.1:" + (port + 1) + "/q/metrics (port " + port + " is taken)",
                    second.describe());
            assertEquals("first 1\n", get(first.url()));
            assertEquals("second 2\n", get(second.url()));
        }
    }

    @Test
    void whenEveryPortOfTheRangeIsTakenAnyFreePortServes() throws Exception {
        int port = Ports.freeRange(MetricsServer.PORT_ATTEMPTS);
        List<ServerSocket> held = Ports.hold(port, MetricsServer.PORT_ATTEMPTS);
        try (MetricsServer server = MetricsServer.start(HOST, port, () -> "x 1\n")) {
            assertTrue(server.port() < port || server.port() >= port + MetricsServer.PORT_ATTEMPTS,
                    "port " + server.port());
            assertTrue(server.describe().endsWith("(port " + port + " is taken)"), server.describe());
            assertEquals("x 1\n", get(server.url()));
        } finally {
            Ports.release(held);
        }
    }

    @Test
    void portZeroTakesAnyFreePortWithoutComplaint() throws Exception {
        try (MetricsServer server = MetricsServer.start(HOST, 0, () -> "x 1\n")) {
            assertNotEquals(0, server.port());
            assertFalse(server.movedFromRequestedPort());
            assertEquals("x 1\n", get(server.url()));
        }
    }

    @Test
    void aClientThatSendsHalfARequestStallsNeitherOtherScrapersNorItsConnectionForever() throws Exception {
        try (MetricsServer server = MetricsServer.start(HOST, 0, () -> "x 1\n");
                java.net.Socket slow = new java.net.Socket(HOST, server.port())) {
            slow.getOutputStream().write("GET /q/metrics HTTP/1.1\r\nHost: x\r\n".getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII)); // no blank line: the request never ends
            slow.getOutputStream().flush();
            Thread.sleep(200);
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url()))
                        .timeout(java.time.Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals("x 1\n", r.body(), "another scraper is served while the slow one sends");
            }
            long start = System.nanoTime();
            slow.setSoTimeout((MetricsServer.REQUEST_SECONDS + 5) * 1000);
            int read;
            try {
                read = slow.getInputStream().read();
            } catch (java.net.SocketException reset) {
                read = -1;
            }
            assertEquals(-1, read, "the server closes a request it has waited " + MetricsServer.REQUEST_SECONDS
                    + " s for (read after " + (System.nanoTime() - start) / 1_000_000 + " ms)");
        }
    }

    @Test
    void metricsListenOnLoopbackUnlessToldOtherwise() throws Exception {
        assertEquals("127.0.0.1", MetricsSettings.class.getDeclaredField("host")
                .getAnnotation(org.eclipse.microprofile.config.inject.ConfigProperty.class).defaultValue());
        java.util.Properties application = new java.util.Properties();
        try (var in = MetricsSettings.class.getResourceAsStream("/application.properties")) {
            application.load(in);
        }
        assertEquals("127.0.0.1", application.getProperty("gradreg.metrics.host"));
    }
}
