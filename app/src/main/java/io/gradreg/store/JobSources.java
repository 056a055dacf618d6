package io.gradreg.store;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/** Table {@code gradreg_job}: what each job instance was started with, so it can be restarted and reported. */
public final class JobSources {

    /**
     * A started job: its XML, its parameters, the id of its stored plan (null for jobs of older
     * builds) and when it was recorded (null if unknown).
     */
    public record JobSource(long instanceId, String jobName, String source, String xml, Properties parameters,
            String planId, java.time.Instant createdAt) {
    }

    private final Jdbc jdbc;

    JobSources(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public void record(long instanceId, String jobName, String source, String xml, Properties parameters,
            String planId) {
        insert("record job instance " + instanceId, "gradreg_job", "instance_id", ps -> ps.setLong(1, instanceId),
                jobName, source, xml, parameters, planId);
    }

    /**
     * Records what a job is started with before it starts, under {@code launchId} (its job
     * parameter {@code gradreg.launch}); {@link #adopt} makes it the record of the job instance
     * JBeret then creates.
     */
    public void recordLaunch(String launchId, String jobName, String source, String xml, Properties parameters,
            String planId) {
        insert("record the launch of job " + jobName, "gradreg_launch", "launch_id", ps -> ps.setString(1, launchId),
                jobName, source, xml, parameters, planId);
    }

    private void insert(String operation, String table, String keyColumn, Jdbc.Binder key, String jobName,
            String source, String xml, Properties parameters, String planId) {
        jdbc.insertIfAbsent(operation, "INSERT INTO " + table + " (" + keyColumn + ", job_name, source, job_xml, "
                + "parameters, created_at, plan_id) VALUES (?, ?, ?, ?, ?, ?, ?)", ps -> {
                    key.bind(ps);
                    ps.setString(2, jobName);
                    ps.setString(3, source);
                    ps.setString(4, xml);
                    ps.setString(5, write(parameters));
                    ps.setTimestamp(6, Jdbc.now());
                    ps.setString(7, planId);
                });
    }

    /** Records job instance {@code instanceId} as started by launch {@code launchId}; false if no such launch. */
    public boolean adopt(long instanceId, String launchId) {
        jdbc.insertIfAbsent("record job instance " + instanceId, "INSERT INTO gradreg_job (instance_id, job_name, "
                + "source, job_xml, parameters, created_at, plan_id) SELECT ?, job_name, source, job_xml, parameters, "
                + "created_at, plan_id FROM gradreg_launch WHERE launch_id = ?", ps -> {
                    ps.setLong(1, instanceId);
                    ps.setString(2, launchId);
                });
        return get(instanceId).isPresent();
    }

    /** Names the plan of a job recorded by an older build, which stored none. */
    public void setPlan(long instanceId, String planId) {
        jdbc.update("record the plan of job instance " + instanceId,
                "UPDATE gradreg_job SET plan_id = ? WHERE instance_id = ?", ps -> {
                    ps.setString(1, planId);
                    ps.setLong(2, instanceId);
                });
    }

    /** Instance ids of every job gradreg started, oldest first. */
    public List<Long> instances() {
        return jdbc.query("list the jobs", "SELECT instance_id FROM gradreg_job ORDER BY instance_id", ps -> {
        }, rs -> rs.getLong(1));
    }

    public Optional<JobSource> get(long instanceId) {
        return jdbc.queryOne("read job instance " + instanceId,
                "SELECT job_name, source, job_xml, parameters, plan_id, created_at FROM gradreg_job WHERE instance_id = ?",
                ps -> ps.setLong(1, instanceId), rs -> new JobSource(instanceId, rs.getString(1), rs.getString(2),
                        rs.getString(3), read(rs.getString(4)), rs.getString(5),
                        rs.getTimestamp(6) == null ? null : rs.getTimestamp(6).toInstant()));
    }

    private static String write(Properties p) {
        StringWriter w = new StringWriter();
        try {
            p.store(w, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    private static Properties read(String text) {
        Properties p = new Properties();
        if (text != null) {
            try {
                p.load(new StringReader(text));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return p;
    }
}
