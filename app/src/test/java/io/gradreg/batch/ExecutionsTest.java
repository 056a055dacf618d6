package io.gradreg.batch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A claim's owner on this host is alive only if its process is; elsewhere its lease decides. */
class ExecutionsTest {

    @Test
    void aGoneProcessOfThisHostIsNotAlive() throws Exception {
        String host = ExecutionHeartbeat.PROCESS.split("/")[0];
        assertTrue(Executions.processAlive(ExecutionHeartbeat.owner(7)), "this process");
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        assertFalse(Executions.processAlive(host + "/pid-" + ended.pid() + "/execution-7"), "ended");
        assertTrue(Executions.processAlive("another-host/pid-" + ended.pid() + "/execution-7"), "cannot tell: its lease");
        assertTrue(Executions.processAlive("pod-a"), "not a process owner: its lease");
    }
}
