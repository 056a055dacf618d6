package io.gradreg.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both images' Maven stages built as their Dockerfiles build them, without a container engine
 * ({@link DockerfilesTest#buildMavenStage}): the stage's COPY lines, then its RUN mvn lines word for
 * word, in a temporary directory. The full package, not only the reactor's validation: it proves
 * that the sources build from what the Dockerfile copies alone (no .git, no target/, nothing else of
 * the checkout) and that each stage leaves what the next stage copies. About a minute and a half per
 * image on a busy 2-core machine, hence an integration test.
 */
class DockerfileMavenStagesIT {

    @Test
    void eachImagesMavenStageBuildsFromWhatItCopies(@TempDir Path tmp) throws Exception {
        for (String[] image : new String[][] {{"Dockerfile.jvm", "build", "quarkus-app/quarkus-run.jar"},
                {"Dockerfile.native", "sources", "native-sources/native-image.args"}}) {
            var stage = DockerfilesTest.stage(DockerfilesTest.parse(Files.readString(DockerfilesTest.DOCKER.resolve(image[0]))),
                    image[1]);
            Path root = tmp.resolve(image[0]);
            String log = DockerfilesTest.buildMavenStage(stage, root);
            assertEquals(2, log.lines().filter(l -> l.startsWith("$ mvn ")).count(), log);
            Path made = root.resolve("src/app/target").resolve(image[2]);
            assertTrue(Files.isRegularFile(made), image[0] + ": " + made + ", which the next stage copies\n" + log);
        }
    }
}
