package io.gradreg.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import org.junit.jupiter.api.Test;

class PushgatewayTest {

    @Test
    void theGroupIsTheJobNameInBase64urlAndTheExecution() {
        // "quickstart" in base64url is cXVpY2tzdGFydA==
        assertEquals(URI.create("http://pg:9091/metrics/job@base64/cXVpY2tzdGFydA==/execution/12"),
                new Pushgateway(URI.create("http://pg:9091/"), "quickstart", 12).groupUri());
        // a job name with '/' stays one path segment: "a/b" is YS9i
        assertEquals(URI.create("http://pg:9091/base/metrics/job@base64/YS9i/execution/1"),
                new Pushgateway(URI.create("http://pg:9091/base"), "a/b", 1).groupUri());
    }

    @Test
    void aStableGroupIsTheSameForEveryExecutionSoEachPushReplacesTheLast() {
        // "nightly" is bmlnaHRseQ==; the execution is not in the key
        URI group = URI.create("http://pg:9091/metrics/job@base64/bmlnaHRseQ==/instance@base64/bmlnaHRseQ==");
        assertEquals(group, new Pushgateway(URI.create("http://pg:9091"), "nightly", "nightly").groupUri());
    }
}
