package io.gradreg.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gradreg.regularizer.Regularizers;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShardTest {

    @Test
    void sharesAreDisjointCoverThePlanAndFollowPlanOrderModuloCount() {
        Properties p = new Properties();
        p.setProperty("regularizers", "none spectreg");
        p.setProperty("weight.spectreg", "0.03");
        p.setProperty("runs", "5");
        List<RunSpec> plan = ExperimentSpec.parse(new Properties(), p, Regularizers.builtIn()).runs();
        assertEquals(10, plan.size());
        List<String> union = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            List<RunSpec> share = new Shard(i, 3).share(plan);
            assertEquals(i == 0 ? 4 : 3, share.size(), "shard " + i);
            assertEquals(plan.get(i).key(), share.get(0).key());
            if (share.size() > 1) {
                assertEquals(plan.get(i + 3).key(), share.get(1).key());
            }
            share.forEach(r -> union.add(r.key()));
        }
        Set<String> distinct = new HashSet<>(union);
        assertEquals(plan.size(), union.size(), "no run in two shares");
        assertEquals(plan.stream().map(RunSpec::key).collect(java.util.stream.Collectors.toSet()), distinct);
        assertEquals(plan, new Shard(0, 1).share(plan));
    }

    @Test
    void parsesIndexSlashCountAndRejectsWhatIsNot() {
        assertEquals(new Shard(2, 4), Shard.parse(" 2/4 "));
        assertEquals("2/4", new Shard(2, 4).toString());
        assertEquals("--shard '2-4' is not INDEX/COUNT, e.g. 0/4 for the first of 4 shards",
                assertThrows(IllegalArgumentException.class, () -> Shard.parse("2-4")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Shard.parse("a/4"));
        String message = assertThrows(IllegalArgumentException.class, () -> Shard.parse("4/4")).getMessage();
        assertTrue(message.contains("counts from 0"), message);
        assertThrows(IllegalArgumentException.class, () -> Shard.parse("0/0"));
        assertThrows(IllegalArgumentException.class, () -> Shard.parse("-1/3"));
    }

    @Test
    void kubernetesIndexedJobEnvironmentGivesTheShard() {
        assertEquals(Optional.empty(), Shard.fromEnvironment(Map.of()));
        assertEquals(Optional.of(new Shard(3, 8)),
                Shard.fromEnvironment(Map.of("JOB_COMPLETION_INDEX", "3", "GRADREG_SHARDS", "8")));
        String message = assertThrows(IllegalArgumentException.class,
                () -> Shard.fromEnvironment(Map.of("JOB_COMPLETION_INDEX", "3"))).getMessage();
        assertEquals("JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but GRADREG_SHARDS is not: set "
                + "GRADREG_SHARDS to the Job's completions, or pass --shard INDEX/COUNT", message);
        assertThrows(IllegalArgumentException.class,
                () -> Shard.fromEnvironment(Map.of("JOB_COMPLETION_INDEX", "8", "GRADREG_SHARDS", "8")));
    }

    @Test
    void theFingerprintIsOfJobAndParametersButNotOfTheShard() {
        Properties a = new Properties();
        a.setProperty("runs", "3");
        a.setProperty("seed", "7");
        Properties b = new Properties();
        b.setProperty("seed", "7 ");
        b.setProperty("runs", "3");
        b.setProperty("gradreg.shard", "1/2");
        Sharding first = Sharding.of(new Shard(0, 2), "c6", "<job/>", a);
        Sharding second = Sharding.of(new Shard(1, 2), "c6", "<job/>", b);
        assertEquals(first.fingerprint(), second.fingerprint());
        assertTrue(Sharding.hashedId("c6", first.fingerprint()).matches("c6-[0-9a-f]{12}"));
        b.setProperty("seed", "8");
        assertNotEquals(first.fingerprint(), Sharding.of(new Shard(1, 2), "c6", "<job/>", b).fingerprint());
        assertNotEquals(first.fingerprint(), Sharding.of(new Shard(0, 2), "c6", "<job />", a).fingerprint());
        assertEquals("nightly-7", Sharding.of(new Shard(0, 2), " nightly-7", "<job/>", a).experimentId());

        // how many runs at a time is not what is trained: not in the fingerprint (but in the legacy one)
        Properties c = new Properties();
        c.putAll(a);
        c.setProperty("partitions", "8");
        c.setProperty("threads", "4");
        assertEquals(first.fingerprint(), Sharding.fingerprint("<job/>", c));
        assertEquals(first.fingerprint(), Sharding.legacyFingerprint("<job/>", a));
        assertNotEquals(first.fingerprint(), Sharding.legacyFingerprint("<job/>", c));

        Properties parameters = new Properties();
        first.addTo(parameters);
        assertEquals(Optional.of(first), Sharding.from(parameters));
        assertEquals(Optional.empty(), Sharding.from(new Properties()));
    }
}
