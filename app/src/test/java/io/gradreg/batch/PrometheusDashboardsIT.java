package io.gradreg.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.gradreg.metrics.Dashboards;
import io.gradreg.metrics.Ports;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics end to end, against real servers: starts Debian's Prometheus and Pushgateway on
 * loopback (configured from {@code deploy/prometheus.yml}, with gradreg's recording rules), runs two
 * shards of one experiment on one store that both serve {@code /q/metrics} and push, checks that each
 * exports only its own share of the runs, that the recording rules add the shards up, and asks
 * Prometheus's HTTP API for every PromQL expression of every dashboard in {@code grafana/dashboards},
 * with its variables set to the experiment: each must return data, and the progress panel 100 %.
 *
 * <p>The servers come from {@code PATH} ({@code prometheus}, {@code prometheus-pushgateway}); when
 * they are missing the test is skipped, except under CI ({@code CI=true}, set by {@code .ci/run},
 * which installs them), where it fails.
 */
class PrometheusDashboardsIT {

    private static final String LOOPBACK = Ports.LOOPBACK;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private final List<Process> servers = new ArrayList<>();

    @Test
    void everyDashboardExpressionReturnsDataAfterAShortJob() throws Exception {
        Path prometheusBin = server("prometheus", "GRADREG_TEST_PROMETHEUS", "prometheus");
        Path pushgatewayBin = server("Pushgateway", "GRADREG_TEST_PUSHGATEWAY", "prometheus-pushgateway", "pushgateway");
        int jobPort = Ports.freeRange(4); // the ports of deploy/prometheus.yml's gradreg targets
        int pushgatewayPort = Ports.freeRange(1);
        int prometheusPort = Ports.freeRange(1);
        try {
            String pushgateway = "http://" + LOOPBACK + ":" + pushgatewayPort;
            start(pushgatewayBin, "pushgateway", "--web.listen-address=" + LOOPBACK + ":" + pushgatewayPort);
            awaitReady(pushgateway);
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, prometheusConfig(jobPort, pushgatewayPort));
            String prometheus = "http://" + LOOPBACK + ":" + prometheusPort;
            start(prometheusBin, "prometheus", "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("tsdb"),
                    "--web.listen-address=" + LOOPBACK + ":" + prometheusPort);
            awaitReady(prometheus);

            // Two shards of one experiment on one store, at once. Another process holds the configured
            // port: shard 0 must take the next and say so, shard 1 the one after. Both push (the
            // Pushgateway keeps a process's last values; a scrape can miss them before it exits) and
            // are scraped: the recording rules take each shard's values once either way.
            Path work = Files.createDirectories(dir.resolve("work"));
            String experiment = "qs-shards";
            List<Process> shards = new ArrayList<>();
            List<Path> errs = new ArrayList<>();
            List<Integer> served = new ArrayList<>();
            try (ServerSocket other = new ServerSocket(jobPort, 1, InetAddress.getByName(LOOPBACK))) {
                for (int i = 0; i < 2; i++) {
                    Gradreg g = new Gradreg(work, Map.of(
                            "GRADREG_METRICS_HOST", LOOPBACK,
                            "GRADREG_METRICS_PORT", Integer.toString(jobPort),
                            "GRADREG_METRICS_PUSHGATEWAY_URL", pushgateway,
                            "GRADREG_METRICS_PUSH_INTERVAL", "1s"));
                    Path err = dir.resolve("err-" + i + ".txt");
                    errs.add(err);
                    // Long enough that every run, the unregularized one included (about 6 ms per
                    // minibatch), is scraped several times while it trains: a rate() needs two samples
                    // that differ, and a run over before its second scrape shows NaN in rate panels.
                    // robustness: FGSM only (seconds a run), so that the robust-accuracy panel has data
                    shards.add(g.builder("run", "quickstart", "-p", "runs=2", "-p", "minibatches=1000", "-p",
                            "partitions=1", "-p", "robustness=fgsm:0.1", "--shard", i + "/2", "--experiment-id",
                            experiment)
                            .redirectOutput(dir.resolve("out-" + i + ".txt").toFile()).redirectError(err.toFile()).start());
                    served.add(servedPort(shards.get(i), err));
                }
                assertEquals(List.of(jobPort + 1, jobPort + 2), served, Files.readString(errs.get(0)));
                // each shard exports its own 3 of the experiment's 6 runs, not all of them
                for (int i = 0; i < 2; i++) {
                    String live = get("http://" + LOOPBACK + ":" + served.get(i) + "/q/metrics");
                    for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                            runsExported(live) == 0 && System.nanoTime() < end; Thread.sleep(200)) {
                        live = get("http://" + LOOPBACK + ":" + served.get(i) + "/q/metrics"); // not refreshed yet
                    }
                    assertTrue(live.contains("gradreg_job_runs{execution=\"" + (i + 1) + "\",experiment=\"" + experiment
                            + "\",gradreg_job=\"quickstart\",shard=\"" + i + "/2\","), live);
                    assertEquals(3, runsExported(live), "shard " + i + "/2 exports its share:\n" + live);
                }
            }
            for (int i = 0; i < 2; i++) {
                Process job = shards.get(i);
                if (!job.waitFor(5, TimeUnit.MINUTES)) {
                    job.destroyForcibly();
                    fail("shard " + i + " did not end in 5 minutes:\n" + Files.readString(errs.get(i)));
                }
                assertEquals(0, job.exitValue(), Files.readString(errs.get(i)));
                assertTrue(Files.readString(errs.get(i)).contains("metrics: pushing to " + pushgateway
                        + "/metrics/job@base64/cXVpY2tzdGFydA==/execution/" + (i + 1) + " every 1 s"),
                        Files.readString(errs.get(i)));
            }

            // the last pushes (all runs evaluated) reach Prometheus, and the recording rules add the shards up
            String of = "{experiment=\"" + experiment + "\"";
            awaitValue(prometheus, "sum(gradreg_job_runs" + of + ",job=\"quickstart\",state=\"completed\"})", 6);
            awaitValue(prometheus, "sum(gradreg_experiment:runs_finished:sum" + of + ",state=\"completed\"})", 6);
            awaitValue(prometheus, "count(gradreg_run:test_accuracy_ratio:max1d" + of + "})", 6);
            awaitValue(prometheus, "count(gradreg_cell:test_accuracy_ratio:count" + of + "} == 2)", 3);
            awaitValue(prometheus, "count(gradreg_cell:test_accuracy_ratio:stddev" + of + "})", 3);

            Map<String, String> variables = Map.of("datasource", "unused", "namespace", ".*", "experiment", experiment);
            List<String> empty = new ArrayList<>();
            int checked = 0;
            for (Path f : Dashboards.files()) {
                for (var v : Dashboards.variables(Dashboards.read(f))) {
                    if (v.getString("type").equals("query") && !v.getBoolean("includeAll", false)) {
                        String promql = Dashboards.variablePromQL(Dashboards.substitute(Dashboards.variableQuery(v), variables));
                        String label = Dashboards.variableQuery(v).replaceAll(".*,\\s*(\\w+)\\)\\s*$", "$1");
                        List<String> values = query(prometheus, promql).stream()
                                .map(r -> r.asJsonObject().getJsonObject("metric").getString(label)).toList();
                        assertTrue(values.contains(variables.get(v.getString("name"))),
                                f + " variable " + v.getString("name") + ": " + promql + " offers " + values);
                    }
                }
                for (Dashboards.Query q : Dashboards.queries(f)) {
                    String promql = Dashboards.substitute(q.expr(), variables);
                    JsonArray result = query(prometheus, promql);
                    if (result.isEmpty() || !result.stream().allMatch(PrometheusDashboardsIT::finite)) {
                        empty.add(q + "\n    -> " + result);
                    }
                    checked++;
                }
            }
            assertTrue(empty.isEmpty(), "dashboard expressions without data:\n" + String.join("\n", empty));
            assertTrue(checked >= 15, "only " + checked + " expressions");
            // the dashboard's own sums over the two shards: all runs done, 100 %
            Dashboards.Query progress = Dashboards.queries(Dashboards.files().get(0)).stream()
                    .filter(q -> q.panel().equals("Training progress")).findFirst().orElseThrow();
            awaitValue(prometheus, Dashboards.substitute(progress.expr(), variables), 100);

            // the scrape config of deploy/prometheus.yml reached the job on the port it moved to
            String instance = LOOPBACK + ":" + served.get(0);
            awaitValue(prometheus, "max_over_time(up{job=\"gradreg\",instance=\"" + instance + "\"}[10m])", 1);
            assertFalse(query(prometheus, "count_over_time(gradreg_minibatches_total{job=\"gradreg\",instance=\""
                    + instance + "\",execution=\"1\"}[10m])").isEmpty(), "no scraped samples from " + instance);
            assertFalse(query(prometheus, "count_over_time(gradreg_job_runs{job=\"gradreg\",shard=\"1/2\"}[10m])").isEmpty(),
                    "no scraped samples from shard 1/2");
        } finally {
            for (Process p : servers) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    /** A server binary: the environment variable's path, else the first name found on PATH. */
    private static Path server(String what, String envVariable, String... names) {
        Optional<Path> found = Optional.ofNullable(System.getenv(envVariable)).map(Path::of).filter(Files::isExecutable)
                .or(() -> Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                        .flatMap(d -> Stream.of(names).map(n -> Path.of(d, n))).filter(Files::isExecutable).findFirst());
        if (found.isEmpty()) {
            String message = what + " is not installed (Debian: apt-get install prometheus prometheus-pushgateway; or set "
                    + envVariable + " to its binary)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("CI=true but " + message);
            }
            Assumptions.abort("skipped: " + message + "; under CI=true this test fails instead");
        }
        return found.get();
    }

    /** deploy/prometheus.yml with the test's ports and a 1 s scrape interval. */
    private static String prometheusConfig(int jobPort, int pushgatewayPort) throws IOException {
        String config = Files.readString(Path.of("deploy/prometheus.yml"));
        String original = config;
        config = replaceOnce(config, "scrape_interval: 15s", "scrape_interval: 1s");
        config = replaceOnce(config, "evaluation_interval: 15s", "evaluation_interval: 1s");
        // the rules file, named relative to deploy/prometheus.yml, from the copy's directory
        config = replaceOnce(config, "  - prometheus/gradreg-rules.yml",
                "  - " + Path.of("deploy/prometheus/gradreg-rules.yml").toAbsolutePath());
        for (int i = 0; i < 4; i++) {
            config = replaceOnce(config, "'localhost:" + (9494 + i) + "'", "'" + LOOPBACK + ":" + (jobPort + i) + "'");
        }
        config = replaceOnce(config, "'localhost:9091'", "'" + LOOPBACK + ":" + pushgatewayPort + "'");
        assertTrue(config.lines().filter(l -> !l.strip().startsWith("#")).noneMatch(l -> l.contains("localhost")),
                "unexpected target left in deploy/prometheus.yml:\n" + original);
        return config;
    }

    private static String replaceOnce(String text, String target, String replacement) {
        assertEquals(1, text.split(Pattern.quote(target), -1).length - 1,
                "deploy/prometheus.yml must contain " + target + " once");
        return text.replace(target, replacement);
    }

    private void start(Path binary, String name, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        command.addAll(List.of(args));
        servers.add(new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start());
    }

    private void awaitReady(String base) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(base + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(200);
        }
        fail(base + " not ready in 60 s; logs in " + dir);
    }

    /** The port of the "metrics: http://..." line the job logs when it starts. */
    private static int servedPort(Process job, Path err) throws Exception {
        Pattern line = Pattern.compile("^metrics: http://127\\.0\\.0\\.1:(\\d+)/q/metrics(.*)$", Pattern.MULTILINE);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            Matcher m = line.matcher(Files.readString(err));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!job.isAlive()) {
                fail("the job ended without serving metrics:\n" + Files.readString(err));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no metrics line in:\n" + Files.readString(err));
    }

    private static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url + ": " + r.body());
        return r.body();
    }

    /** The result of an instant query (a vector or a scalar's one sample). */
    private static JsonArray query(String prometheus, String promql) throws IOException, InterruptedException {
        String body = get(prometheus + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        try (JsonReader r = Json.createReader(new StringReader(body))) {
            JsonObject response = r.readObject();
            assertEquals("success", response.getString("status"), promql + ": " + body);
            JsonObject data = response.getJsonObject("data");
            assertEquals("vector", data.getString("resultType"), promql);
            return data.getJsonArray("result");
        }
    }

    /** The runs a /q/metrics page counts, over every state of gradreg_job_runs. */
    private static int runsExported(String metrics) {
        return (int) metrics.lines().filter(l -> l.startsWith("gradreg_job_runs{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static boolean finite(JsonValue sample) {
        String value = sample.asJsonObject().getJsonArray("value").getString(1);
        return Double.isFinite(Double.parseDouble(value));
    }

    private static void awaitValue(String prometheus, String promql, double expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonArray last = null;
        while (System.nanoTime() < deadline) {
            last = query(prometheus, promql);
            if (!last.isEmpty() && Double.parseDouble(last.getJsonObject(0).getJsonArray("value").getString(1)) == expected) {
                return;
            }
            Thread.sleep(500);
        }
        fail(promql + " did not reach " + expected + " in 30 s; last: " + last);
    }
}
