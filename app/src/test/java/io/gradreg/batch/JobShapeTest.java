package io.gradreg.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gradreg.plan.PlanSettings;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Job XML is checked for gradreg's shape before anything is built from it. */
class JobShapeTest {

    private static final String SHAPE = "; a gradreg job is the steps sampleBatchlet, trainBatchlet (partitioned by "
            + "runPartitionMapper), evaluateBatchlet and reportBatchlet, in this order, each naming the next (see "
            + "jobs/quickstart.xml)";

    @Test
    void everyShippedJobHasTheShape() throws Exception {
        JobFiles jobs = new JobFiles(Path.of("jobs"));
        for (String name : jobs.names()) {
            jobs.load(name);
        }
        new JobFiles(Path.of("plugins/gradl1")).load("gradl1-quickstart");
    }

    @Test
    void aStepThatIsNotOneOfGradregsArtifactsIsRefused() throws Exception {
        assertRefused(quickstart().replace("<batchlet ref=\"evaluateBatchlet\"/>",
                "<batchlet ref=\"org.jberet.job.Anything\"/>"),
                "not a gradreg job: step 'evaluate' runs 'org.jberet.job.Anything' where step 3 is evaluateBatchlet");
        assertRefused(quickstart().replace("<mapper ref=\"runPartitionMapper\"/>",
                "<mapper ref=\"runPartitionMapper\"/><reducer ref=\"java.lang.Object\"/>"),
                "not a gradreg job: step 'train' is partitioned otherwise than by runPartitionMapper alone");
        assertRefused(quickstart().replace("<step id=\"report\">", "<step id=\"report\"><listeners><listener "
                + "ref=\"com.example.Listener\"/></listeners>"),
                "not a gradreg job: step 'report' has listeners, transitions or a parent step");
    }

    @Test
    void aScriptBatchletIsRefusedAndItsSourceNeverFetched() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(500);
            String script = "<batchlet><script type=\"javascript\" src=\"http://127.0.0.1:" + server.getLocalPort()
                    + "/evil.js\"/></batchlet>";
            assertRefused(quickstart().replace("<batchlet ref=\"reportBatchlet\"/>", script),
                    "not a gradreg job: step 'report' runs a script where step 4 is reportBatchlet");
            assertThrows(SocketTimeoutException.class, () -> server.accept().close(), "nothing fetched the script");
        }
    }

    @Test
    void stepsMustBeTheFourInAnOrderThatFinishes() throws Exception {
        String noTrain = quickstart().replaceAll("(?s)  <!-- One partition.*?</step>\\s*", "")
                .replace("next=\"train\"", "next=\"evaluate\"");
        assertRefused(noTrain, "not a gradreg job: the job has 3 steps, not 4");
        assertRefused(quickstart().replace("<step id=\"evaluate\" next=\"report\">", "<step id=\"evaluate\" next=\"train\">"),
                "not a gradreg job: step 'evaluate' names next 'train' where 'report' is needed");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            many.append("<step id=\"s").append(i).append("\" next=\"s").append(i + 1).append("\"><batchlet ref=\"x\"/></step>");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobFiles.parse(
                quickstart().replace("</job>", many + "</job>"), "many.xml"));
        assertTrue(e.getMessage().startsWith("many.xml:"), e.getMessage());
        assertTrue(e.getMessage().endsWith("malformed XML: more than 16 steps; a gradreg job has 4"), e.getMessage());
        String huge = quickstart().replace("</job>", "<!--" + "x".repeat(JobShape.MAX_BYTES) + "--></job>");
        assertEquals("huge.xml: " + huge.length() + " characters, more than a job file holds (at most 1048576)",
                assertThrows(IllegalArgumentException.class, () -> JobFiles.parse(huge, "huge.xml")).getMessage());
    }

    @Test
    void referenceFilesAreParsedAtLaunchAndMustBeBesideTheJob(@TempDir Path dir) throws Exception {
        Path job = Files.writeString(dir.resolve("mine.xml"), quickstart());
        Files.writeString(dir.resolve("mine.claims"), "this is not a claim\n");
        PlanSettings settings = new PlanSettings("quickstart", "", 1, 200, "mean", null, null, null, java.util.Map.of(), null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReferenceFiles.read(job.toString(), settings));
        assertTrue(e.getMessage().startsWith(dir.resolve("mine.claims") + ":1: "), e.getMessage());
        PlanSettings outside = new PlanSettings("quickstart", "", 1, 200, "mean", "../../etc/passwd", null, null,
                java.util.Map.of(), null);
        assertEquals("job property 'expected' is '../../etc/passwd': it must name a file in the job file's directory "
                + "(a name like expected.csv)", assertThrows(IllegalArgumentException.class,
                        () -> ReferenceFiles.read(job.toString(), outside)).getMessage());
        assertTrue(ReferenceFiles.readStored(job.toString(), outside).claims().isEmpty(),
                "a job stored naming a file elsewhere gets no reference files (not an error: its report still builds)");
    }

    private static String quickstart() throws Exception {
        return Files.readString(Path.of("jobs/quickstart.xml"));
    }

    private static void assertRefused(String xml, String expected) {
        assertEquals("x.xml: " + expected + SHAPE,
                assertThrows(IllegalArgumentException.class, () -> JobFiles.parse(xml, "x.xml")).getMessage());
    }
}
