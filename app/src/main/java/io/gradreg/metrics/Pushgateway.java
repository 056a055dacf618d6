package io.gradreg.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Pushes the text exposition to a Prometheus Pushgateway, grouped by job name and execution:
 * {@code PUT <url>/metrics/job@base64/<job name>/execution/<id>}. PUT replaces the whole group, so
 * the group always holds the latest values of one execution; the Pushgateway keeps it after the
 * job ends (delete it with {@code curl -X DELETE} on the same URL). With a stable group
 * ({@code gradreg.metrics.push-group}) the key is {@code .../job@base64/<job name>/instance/<group>}
 * instead: every execution of a scheduled job replaces the previous one's group, so the
 * Pushgateway holds one group per schedule, not one per night.
 */
public final class Pushgateway {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI groupUri;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    public Pushgateway(URI baseUrl, String jobName, long execution) {
        this(baseUrl, jobName, "execution", Long.toString(execution));
    }

    /** Grouped by a stable instance name instead of the execution: each push replaces the last execution's. */
    public Pushgateway(URI baseUrl, String jobName, String group) {
        this(baseUrl, jobName, "instance", group);
    }

    private Pushgateway(URI baseUrl, String jobName, String label, String value) {
        String base = baseUrl.toString().replaceAll("/+$", "");
        // base64url keeps any job name or group (even one with '/') a single path segment
        this.groupUri = URI.create(base + "/metrics/job@base64/" + base64url(jobName) + "/" + label
                + (label.equals("execution") ? "/" + value : "@base64/" + base64url(value)));
    }

    private static String base64url(String s) {
        return Base64.getUrlEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    public URI groupUri() {
        return groupUri;
    }

    /** Replaces the group's metrics with {@code exposition} (Prometheus text format 0.0.4). */
    public void push(String exposition) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(groupUri).timeout(TIMEOUT)
                .header("Content-Type", MetricsServer.CONTENT_TYPE)
                .PUT(HttpRequest.BodyPublishers.ofString(exposition, StandardCharsets.UTF_8)).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("HTTP " + response.statusCode() + " from " + groupUri + ": "
                    + response.body().strip());
        }
    }
}
