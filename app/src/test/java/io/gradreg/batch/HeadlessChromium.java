package io.gradreg.batch;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Chromium, headless, driven over the Chrome DevTools Protocol (the protocol Puppeteer and
 * Playwright use) on a WebSocket of the JDK's own HTTP client: no driver to download, no browser
 * library. The protocol reports what a page really did: every console message and uncaught
 * exception ({@code Runtime}), every message the browser logs itself, a Content-Security-Policy
 * violation included ({@code Log}), and every request the page starts ({@code Network}), before
 * any policy blocks it. Parsing {@code --enable-logging} output instead depends on log formats and
 * verbosity that change between versions; {@code --dump-dom} shows no console or network at all.
 */
final class HeadlessChromium implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WIDTH = 1280;

    /** What loading a page did, the geometry of its charts, and its screenshot. */
    record PageLoad(List<String> consoleErrors, List<String> requests, List<Chart> charts, byte[] png) {
    }

    /** A {@code figure.chart}: its kind and, per plot, its area and data group in page pixels. */
    /** A tick label as laid out: its text and its box. */
    record Tick(String text, double x, double y, double width, double height) {

        boolean overlaps(Tick o) {
            return x < o.x + o.width && o.x < x + width && y < o.y + o.height && o.y < y + height;
        }
    }

    /**
     * A chart: its kind, plot areas, laid-out x tick labels, and how many marks of the paper's values
     * (diamonds) and of the replication report's (squares) it draws, legend included.
     */
    record Chart(String kind, List<Plot> plots, List<Tick> ticks, int paperMarks, int observedMarks) {
    }

    record Plot(double x, double y, double width, double height, int dataElements, double dataWidth, double dataHeight) {
    }

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();

    /** The chromium binary: {@code GRADREG_TEST_CHROMIUM}, else on PATH; skipped if missing, failing under CI=true. */
    static Path binary() {
        Optional<Path> found = Optional.ofNullable(System.getenv("GRADREG_TEST_CHROMIUM")).map(Path::of)
                .filter(Files::isExecutable)
                .or(() -> Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                        .flatMap(d -> Stream.of("chromium", "chromium-browser").map(n -> Path.of(d, n)))
                        .filter(Files::isExecutable).findFirst());
        if (found.isEmpty()) {
            String message = "chromium is not installed (Debian: apt-get install chromium; or set GRADREG_TEST_CHROMIUM "
                    + "to its binary)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("CI=true but " + message);
            }
            Assumptions.abort("skipped: " + message + "; under CI=true this test fails instead");
        }
        return found.get();
    }

    HeadlessChromium(Path binary, Path profile) throws Exception {
        process = new ProcessBuilder(binary.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String url = devToolsUrl();
        socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(url), new Listener())
                .get(30, TimeUnit.SECONDS);
    }

    /** Chromium prints "DevTools listening on ws://…" on stderr once it serves the protocol. */
    private String devToolsUrl() throws IOException {
        BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while (System.nanoTime() < deadline && (line = err.readLine()) != null) {
            seen.append(line).append('\n');
            int at = line.indexOf("ws://");
            if (line.startsWith("DevTools listening on ") && at >= 0) {
                Thread drain = new Thread(() -> {
                    try {
                        err.lines().forEach(l -> { });
                    } catch (java.io.UncheckedIOException closed) {
                        // the browser was stopped
                    }
                }, "chromium-stderr");
                drain.setDaemon(true);
                drain.start();
                return line.substring(at).strip();
            }
        }
        throw new IOException("chromium did not open its DevTools endpoint:\n" + seen);
    }

    /** Loads {@code file} in a fresh tab 1280 px wide and reports what happened. */
    PageLoad load(Path file) throws Exception {
        String target = call("Target.createTarget", Map.of("url", "about:blank"), null).get("targetId").asText();
        String session = call("Target.attachToTarget", Map.of("targetId", target, "flatten", true), null)
                .get("sessionId").asText();
        for (String domain : List.of("Runtime", "Log", "Network", "Page")) {
            call(domain + ".enable", Map.of(), session);
        }
        call("Emulation.setDeviceMetricsOverride", Map.of("width", WIDTH, "height", 900, "deviceScaleFactor", 1,
                "mobile", false), session);
        events.clear();
        String url = file.toUri().toString();
        call("Page.navigate", Map.of("url", url), session);
        List<JsonNode> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean loaded = false;
        while (!loaded && System.nanoTime() < deadline) {
            JsonNode e = events.poll(1, TimeUnit.SECONDS);
            if (e != null) {
                seen.add(e);
                loaded = "Page.loadEventFired".equals(e.path("method").asText()) && session.equals(e.path("sessionId").asText());
            }
        }
        if (!loaded) {
            throw new IllegalStateException("the page did not load in 60 s: " + url);
        }
        Thread.sleep(500); // messages logged right after the load event
        events.drainTo(seen);

        List<String> errors = new ArrayList<>();
        List<String> requests = new ArrayList<>();
        for (JsonNode e : seen) {
            JsonNode p = e.path("params");
            switch (e.path("method").asText()) {
                case "Runtime.consoleAPICalled" -> {
                    if (List.of("error", "assert").contains(p.path("type").asText())) {
                        errors.add("console." + p.path("type").asText() + ": " + p.path("args").toString());
                    }
                }
                case "Runtime.exceptionThrown" -> errors.add("exception: " + p.path("exceptionDetails").toString());
                case "Log.entryAdded" -> {
                    if ("error".equals(p.path("entry").path("level").asText())) {
                        errors.add("log: " + p.path("entry").path("text").asText());
                    }
                }
                case "Network.requestWillBeSent" -> {
                    String requested = p.path("request").path("url").asText();
                    if (!requested.equals(url)) { // the page itself is the one load allowed
                        requests.add(requested);
                    }
                }
                default -> {
                }
            }
        }
        String geometry = call("Runtime.evaluate", Map.of("returnByValue", true, "expression", """
                JSON.stringify([...document.querySelectorAll('figure.chart')].map(f => ({
                  kind: f.dataset.chart,
                  ticks: [...f.querySelectorAll('svg text.tick-label')].map(t => {
                    const r = t.getBoundingClientRect();
                    return {text: t.textContent, x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height};
                  }),
                  paper: f.querySelectorAll('svg .paper').length,
                  observed: f.querySelectorAll('svg .observed').length,
                  plots: [...f.querySelectorAll('svg rect.plot-area')].map(a => {
                    const r = a.getBoundingClientRect();
                    // the data group drawn right after this plot area
                    let d = a.nextElementSibling;
                    while (d && !(d.tagName === 'g' && d.classList.contains('data'))) d = d.nextElementSibling;
                    const b = d ? d.getBoundingClientRect() : {width: 0, height: 0};
                    return {x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height,
                            dataElements: d ? d.childElementCount : 0, dataWidth: b.width, dataHeight: b.height};
                  })})))"""), session).path("result").path("value").asText();
        List<Chart> charts = new ArrayList<>();
        for (JsonNode c : JSON.readTree(geometry)) {
            List<Plot> plots = new ArrayList<>();
            for (JsonNode p : c.path("plots")) {
                plots.add(new Plot(p.path("x").asDouble(), p.path("y").asDouble(), p.path("width").asDouble(),
                        p.path("height").asDouble(), p.path("dataElements").asInt(), p.path("dataWidth").asDouble(),
                        p.path("dataHeight").asDouble()));
            }
            List<Tick> ticks = new ArrayList<>();
            for (JsonNode t : c.path("ticks")) {
                ticks.add(new Tick(t.path("text").asText(), t.path("x").asDouble(), t.path("y").asDouble(),
                        t.path("width").asDouble(), t.path("height").asDouble()));
            }
            charts.add(new Chart(c.path("kind").asText(), plots, ticks, c.path("paper").asInt(),
                    c.path("observed").asInt()));
        }
        JsonNode size = call("Page.getLayoutMetrics", Map.of(), session).path("cssContentSize");
        String png = call("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true, "clip",
                Map.of("x", 0, "y", 0, "width", Math.ceil(size.path("width").asDouble()),
                        "height", Math.ceil(size.path("height").asDouble()), "scale", 1)), session).path("data").asText();
        call("Target.closeTarget", Map.of("targetId", target), null);
        return new PageLoad(errors, requests, charts, Base64.getDecoder().decode(png));
    }

    private JsonNode call(String method, Map<String, Object> params, String session) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", JSON.valueToTree(params));
        if (session != null) {
            message.put("sessionId", session);
        }
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        socket.sendText(JSON.writeValueAsString(message), true).get(30, TimeUnit.SECONDS);
        JsonNode r = reply.get(60, TimeUnit.SECONDS);
        if (r.has("error")) {
            throw new IllegalStateException(method + " failed: " + r.get("error"));
        }
        return r.path("result");
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    JsonNode message = JSON.readTree(text.toString());
                    if (message.has("id")) {
                        CompletableFuture<JsonNode> reply = pending.remove(message.get("id").asInt());
                        if (reply != null) {
                            reply.complete(message);
                        }
                    } else {
                        events.add(message);
                    }
                } catch (IOException e) {
                    events.add(JSON.createObjectNode().put("method", "unparsable").put("text", text.toString()));
                }
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the browser is stopped below either way
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
