package io.gradreg.metrics;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Serves the Prometheus text exposition at {@code /q/metrics} while a job runs.
 *
 * <p>Port collisions: several jobs may run on one machine, so a job whose configured port is taken
 * takes the next free one of the {@value #PORT_ATTEMPTS} ports from the configured one (9494, 9495,
 * ... so that a scrape config can list them), and when all are taken any free port; the caller
 * logs the address actually used. Port 0 means any free port from the start. Metrics never stop a
 * job: only an address that cannot be bound at all (e.g. an unknown host) is an error.
 *
 * <p>Slow clients: the JDK's server reads a request on the thread that handles it, so requests are
 * handled by a few threads of their own (one client that sends half a request holds one, not
 * the server), and a request not read within {@value #REQUEST_SECONDS} s, or a response not
 * taken within that time, has its connection closed (the JDK server's own limits,
 * {@code sun.net.httpserver.maxReqTime}/{@code maxRspTime}, which it reads once: set here unless
 * given on the command line).
 */
public final class MetricsServer implements AutoCloseable {

    /** Seconds a client has to send its request, and to take the response. */
    static final int REQUEST_SECONDS = 10;

    /** Threads serving requests: a scraper or two per job, plus room for slow clients. */
    static final int THREADS = 4;

    static {
        for (String limit : new String[] {"sun.net.httpserver.maxReqTime", "sun.net.httpserver.maxRspTime"}) {
            if (System.getProperty(limit) == null) {
                System.setProperty(limit, Integer.toString(REQUEST_SECONDS));
            }
        }
    }

    public static final String PATH = "/q/metrics";
    /** Consecutive ports tried from the configured one before falling back to any free port. */
    public static final int PORT_ATTEMPTS = 10;
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final String host;
    private final int requestedPort;

    private MetricsServer(HttpServer server, String host, int requestedPort) {
        this.server = server;
        this.host = host;
        this.requestedPort = requestedPort;
    }

    /** Binds {@code host:port} (or the next free port, see above) and serves {@code exposition}. */
    public static MetricsServer start(String host, int port, Supplier<String> exposition) {
        HttpServer server = bind(host, port);
        server.createContext(PATH, exchange -> {
            try (exchange) {
                if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                byte[] body = exposition.get().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
                boolean head = "HEAD".equals(exchange.getRequestMethod());
                exchange.sendResponseHeaders(200, head ? -1 : body.length);
                if (!head) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            }
        });
        java.util.concurrent.atomic.AtomicInteger threads = new java.util.concurrent.atomic.AtomicInteger();
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(THREADS, task -> {
            Thread t = new Thread(task, "gradreg-metrics-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return new MetricsServer(server, host, port);
    }

    private static HttpServer bind(String host, int port) {
        if (port != 0) {
            for (int p = port; p < port + PORT_ATTEMPTS && p <= 65535; p++) {
                try {
                    return HttpServer.create(new InetSocketAddress(host, p), 0);
                } catch (BindException taken) {
                    // try the next one
                } catch (IOException e) {
                    throw cannotServe(host, p, e);
                }
            }
        }
        try {
            return HttpServer.create(new InetSocketAddress(host, 0), 0);
        } catch (IOException e) {
            throw cannotServe(host, 0, e);
        }
    }

    private static UncheckedIOException cannotServe(String host, int port, IOException e) {
        return new UncheckedIOException("cannot serve metrics on " + host + ":" + port + " (gradreg.metrics.host / "
                + "GRADREG_METRICS_HOST): " + e.getMessage(), e);
    }

    /** The port actually bound. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Whether the configured port was taken (and another one is used). */
    public boolean movedFromRequestedPort() {
        return requestedPort != 0 && port() != requestedPort;
    }

    /** The URL to scrape; a wildcard host is shown as localhost. */
    public String url() {
        String shown = host.equals("0.0.0.0") || host.equals("::") || host.isEmpty() ? "localhost" : host;
        return "http://" + (shown.contains(":") ? "[" + shown + "]" : shown) + ":" + port() + PATH;
    }

    /** One line for the log: where the metrics are and, if so, why not on the configured port. */
    public String describe() {
        return "metrics: " + url() + (movedFromRequestedPort() ? " (port " + requestedPort + " is taken)" : "");
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
