package io.gradreg.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * gradreg's tables, beside JBeret's job repository in the same database (H2 or PostgreSQL), one
 * class per group of tables:
 *
 * <ul>
 *   <li>{@link JobSources} {@code gradreg_job}: what each job instance was started with;
 *   <li>{@link Plans} {@code gradreg_plan}, {@code gradreg_plan_run}: each experiment's plan,
 *       parsed once at launch;
 *   <li>{@link Subsets} {@code gradreg_subset}: each run's training subset as drawn;
 *   <li>{@link Runs} {@code gradreg_run}, {@code gradreg_checkpoint}: each planned run's status,
 *       progress, checkpoint and outcome;
 *   <li>{@link Measures} {@code gradreg_run_measure}: each evaluated run's robustness measures;
 *   <li>{@link RunClaims} {@code gradreg_claim}: which process trains a run, with a lease;
 *   <li>{@link Experiments} {@code gradreg_experiment}, {@code gradreg_shard}: experiments run as
 *       shards.
 * </ul>
 *
 * The DDL is in {@code schema-h2.sql} and {@code schema-postgresql.sql} beside this class.
 */
public final class ResultsStore {

    private final Database database;
    private final JobSources jobs;
    private final Plans plans;
    private final Subsets subsets;
    private final RunClaims claims;
    private final Runs runs;
    private final Experiments experiments;
    private final Curves curves;
    private final Validations validations;
    private final Measures measures;
    private final Jdbc jdbc;

    public ResultsStore(Database database) {
        this.database = database;
        this.jdbc = new Jdbc(database);
        this.jobs = new JobSources(jdbc);
        this.plans = new Plans(jdbc);
        this.subsets = new Subsets(jdbc);
        this.claims = new RunClaims(jdbc);
        this.runs = new Runs(jdbc, claims);
        this.experiments = new Experiments(jdbc);
        this.curves = new Curves(jdbc);
        this.validations = new Validations(jdbc);
        this.measures = new Measures(jdbc);
    }

    public Database database() {
        return database;
    }

    /**
     * Runs {@code work}, whose operations on this store (from this thread) all join one
     * transaction: all of it is recorded, or, if it throws, none; an outage repeats it whole.
     */
    public void inOneTransaction(String operation, Runnable work) {
        jdbc.transaction(operation, work);
    }

    public JobSources jobs() {
        return jobs;
    }

    public Plans plans() {
        return plans;
    }

    public Subsets subsets() {
        return subsets;
    }

    public Runs runs() {
        return runs;
    }

    public RunClaims claims() {
        return claims;
    }

    public Experiments experiments() {
        return experiments;
    }

    /** Robustness measures of evaluated runs (written by {@link Runs} with the test accuracy; read here). */
    public Measures measures() {
        return measures;
    }

    /** Training curves (written by {@link Runs} with checkpoints; read here). */
    public Curves curves() {
        return curves;
    }

    /** A sweep's validation accuracies and selected weights. */
    public Validations validations() {
        return validations;
    }

    /** Creates the tables (and columns added since) that do not exist yet. */
    public void ensureSchema() {
        String file = database.isPostgres() ? "schema-postgresql.sql" : "schema-h2.sql";
        String script;
        try (InputStream in = ResultsStore.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("gradreg is missing its resource " + file);
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        database.withSchemaLock(() -> {
            try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
                for (String statement : statements(script)) {
                    s.execute(statement);
                }
            } catch (SQLException e) {
                throw new StoreException("cannot create the gradreg tables in " + database.describe() + ": "
                        + database.scrub(e.getMessage()), e);
            }
            return null;
        });
    }

    /** The statements of a DDL script: comment lines dropped, split at semicolons that end a line. */
    static java.util.List<String> statements(String script) {
        StringBuilder text = new StringBuilder();
        for (String line : script.split("\n")) {
            if (!line.strip().startsWith("--")) {
                text.append(line).append('\n');
            }
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String statement : text.toString().split(";\\s*\n")) {
            if (!statement.isBlank()) {
                out.add(statement.strip().replaceAll(";$", ""));
            }
        }
        return out;
    }
}
