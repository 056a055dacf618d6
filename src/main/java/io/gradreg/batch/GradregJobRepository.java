package io.gradreg.batch;

import io.quarkiverse.jberet.runtime.JobRepositorySupplier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jberet.repository.JdbcRepository;
import org.jberet.repository.JobRepository;

/**
 * JBeret's JDBC job repository on gradreg's database (selected by
 * {@code quarkus.jberet.repository.type=gradreg}). Quarkus fixes a datasource's database kind at
 * build time; this repository takes its URL at run time, so one build serves H2 and PostgreSQL.
 */
@ApplicationScoped
public class GradregJobRepository implements JobRepositorySupplier {

    @Inject
    Services services;

    @Override
    public String getName() {
        return "gradreg";
    }

    @Override
    public JobRepository get() {
        return new JdbcRepository(services.database());
    }
}
