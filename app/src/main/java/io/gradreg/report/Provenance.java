package io.gradreg.report;

import java.time.Instant;

/**
 * Where a report comes from, for its footer: the gradreg build that wrote it, the job (name, file
 * and SHA-256 of its XML as started), the kind of database (never its URL or credentials) and the
 * dates. Fields are null when unknown (a job instance not started by 'gradreg run').
 */
public record Provenance(String writtenBy, String jobName, String jobFile, String jobSha256, String database,
        Instant jobStartedAt, Instant writtenAt) {
}
