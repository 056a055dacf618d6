-- gradreg's tables on H2, beside JBeret's job repository in the same database.
-- Run by ResultsStore.ensureSchema on every start: every statement must be idempotent
-- (CREATE ... IF NOT EXISTS; ALTER TABLE ... ADD COLUMN IF NOT EXISTS for stores made by older builds).
-- Statements end with a semicolon at the end of a line.

-- each job instance's XML and parameters, so that it can be restarted; plan_id: its plan
CREATE TABLE IF NOT EXISTS gradreg_job (instance_id BIGINT PRIMARY KEY, job_name VARCHAR(200) NOT NULL,
    source VARCHAR(2000), job_xml CLOB NOT NULL, parameters CLOB, created_at TIMESTAMP);
ALTER TABLE gradreg_job ADD COLUMN IF NOT EXISTS plan_id VARCHAR(64);
-- the same, written before the job starts (its instance id is not known yet) under the launch id
-- the job carries as parameter gradreg.launch: a process killed between JBeret's creating the job
-- instance and gradreg_job's row leaves an instance that 'gradreg restart' can still continue
CREATE TABLE IF NOT EXISTS gradreg_launch (launch_id VARCHAR(64) PRIMARY KEY, job_name VARCHAR(200) NOT NULL,
    source VARCHAR(2000), job_xml CLOB NOT NULL, parameters CLOB, created_at TIMESTAMP, plan_id VARCHAR(64));

-- an experiment's plan, parsed once at launch: the job-level settings (JSON) and every run's
-- complete training configuration (JSON); keyed by the SHA-256 of its content
CREATE TABLE IF NOT EXISTS gradreg_plan (plan_id VARCHAR(64) PRIMARY KEY, experiment VARCHAR(200) NOT NULL,
    settings CLOB NOT NULL, created_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS gradreg_plan_run (plan_id VARCHAR(64) NOT NULL, run_key VARCHAR(400) NOT NULL,
    plan_order INT NOT NULL, config CLOB NOT NULL, PRIMARY KEY (plan_id, run_key));

-- each run's training subset as drawn by the sample step
CREATE TABLE IF NOT EXISTS gradreg_subset (instance_id BIGINT NOT NULL, train_size VARCHAR(40) NOT NULL,
    seed BIGINT NOT NULL, size_count INT NOT NULL, sha256 VARCHAR(64) NOT NULL, indices BLOB NOT NULL,
    PRIMARY KEY (instance_id, train_size, seed));

-- one row per planned run, keyed by (job instance, run key): its status, progress and outcome
CREATE TABLE IF NOT EXISTS gradreg_run (instance_id BIGINT NOT NULL, run_key VARCHAR(400) NOT NULL,
    experiment VARCHAR(200), architecture VARCHAR(40), regularizer VARCHAR(100), weight DOUBLE PRECISION,
    train_size VARCHAR(40), run_index INT, seed BIGINT, minibatches INT, status VARCHAR(20) NOT NULL,
    minibatches_done INT NOT NULL, test_accuracy DOUBLE PRECISION, test_loss DOUBLE PRECISION,
    final_loss DOUBLE PRECISION, final_penalty DOUBLE PRECISION, train_seconds DOUBLE PRECISION,
    message VARCHAR(2000), job_execution_id BIGINT, updated_at TIMESTAMP, plan_order INT NOT NULL,
    resumed_from INT, trained_by VARCHAR(200), PRIMARY KEY (instance_id, run_key));
-- stores created before runs recorded the build that trained them
ALTER TABLE gradreg_run ADD COLUMN IF NOT EXISTS trained_by VARCHAR(200);

-- the latest checkpoint of each unfinished run (a trained run's final parameters until evaluated)
CREATE TABLE IF NOT EXISTS gradreg_checkpoint (instance_id BIGINT NOT NULL, run_key VARCHAR(400) NOT NULL,
    minibatch INT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (instance_id, run_key));
-- stores created before checkpoints carried a checksum (SHA-256 of data; checked on every read)
ALTER TABLE gradreg_checkpoint ADD COLUMN IF NOT EXISTS sha256 VARCHAR(64);

-- each run's training curve: loss, raw penalty and learning rate every curve-every minibatches, written
-- in the same transaction as the run's checkpoint (a resumed run's curve has no gap and no duplicate)
CREATE TABLE IF NOT EXISTS gradreg_curve (instance_id BIGINT NOT NULL, run_key VARCHAR(400) NOT NULL,
    minibatch INT NOT NULL, loss DOUBLE PRECISION NOT NULL, penalty DOUBLE PRECISION NOT NULL,
    learning_rate DOUBLE PRECISION NOT NULL, PRIMARY KEY (instance_id, run_key, minibatch));

-- which process trains a run, with a lease on the database's clock
CREATE TABLE IF NOT EXISTS gradreg_claim (instance_id BIGINT NOT NULL, run_key VARCHAR(400) NOT NULL,
    owner VARCHAR(400) NOT NULL, owner_execution BIGINT NOT NULL, lease_until TIMESTAMP NOT NULL,
    PRIMARY KEY (instance_id, run_key));
-- the lease as an instant on the database's clock, the same for clients in every time zone (leases
-- compare this column; lease_until, in the client's local time, is kept for older builds)
ALTER TABLE gradreg_claim ADD COLUMN IF NOT EXISTS lease_expires TIMESTAMP WITH TIME ZONE;

-- experiments run as shards: the job instance under which all their shards record their runs
CREATE TABLE IF NOT EXISTS gradreg_experiment (experiment_id VARCHAR(200) PRIMARY KEY,
    results_instance BIGINT NOT NULL, fingerprint VARCHAR(64) NOT NULL, job_name VARCHAR(200) NOT NULL,
    created_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS gradreg_shard (instance_id BIGINT PRIMARY KEY, experiment_id VARCHAR(200) NOT NULL,
    shard_index INT NOT NULL, shard_count INT NOT NULL);

-- each evaluated run's robustness measures (job property 'robustness'): accuracy under attack and
-- input-gradient norms, one row per run and measure, written with the run's test accuracy
CREATE TABLE IF NOT EXISTS gradreg_run_measure (instance_id BIGINT NOT NULL, run_key VARCHAR(400) NOT NULL,
    measure VARCHAR(100) NOT NULL, measure_value DOUBLE PRECISION NOT NULL, PRIMARY KEY (instance_id, run_key, measure));

-- a sweep's held-out numbers: each grid run's validation accuracy (images outside its training
-- subset), and each group's selected weight with the time it was recorded (before any test image
-- of the group is read)
CREATE TABLE IF NOT EXISTS gradreg_validation (instance_id BIGINT NOT NULL, run_key VARCHAR(400) NOT NULL,
    accuracy DOUBLE PRECISION NOT NULL, loss DOUBLE PRECISION NOT NULL, images INT NOT NULL,
    validated_at TIMESTAMP, PRIMARY KEY (instance_id, run_key));
CREATE TABLE IF NOT EXISTS gradreg_selection (instance_id BIGINT NOT NULL, grp VARCHAR(400) NOT NULL,
    rule VARCHAR(40) NOT NULL, weight DOUBLE PRECISION NOT NULL, summary VARCHAR(2000),
    selected_at TIMESTAMP NOT NULL, PRIMARY KEY (instance_id, grp));
