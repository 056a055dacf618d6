# Expected values for ClaimsAgainstRTest, computed with base R only (stats: t.test, lm, anova,
# p.adjust) from data.csv (the committed C4, C2 and C6 runs; 'welch' is C2 dropout DoubleBack seeds
# 1-5 against SpectReg seeds 6-10, which share no seed) and sweep.csv (the committed weight sweeps'
# runs, C6's and C4's SpectReg sweep, column 'dataset': validation accuracy, test accuracy and the
# robustness measures C6's claims name, NA where a sweep measured none). Regenerate with
#   Rscript expected.R > expected.csv
# from this directory; the test reads expected.csv. One row per comparison of each claim below:
# sections 1-6 pin the statistics one by one, section 7 recomputes every committed claim with its
# verdict (columns 'shown' and 'verdict'), sections 8 and 9 the weight sweeps' selections and claims.
options(digits = 17, width = 1000)
runs <- read.csv("data.csv", colClasses = c(size = "character"))
runs$acc <- 100 * runs$test_accuracy
# the sweeps: regularizer is the grid cell ("spectreg=0.003"), accuracies become percent as in a report
sweep <- read.csv("sweep.csv", colClasses = c(size = "character"), check.names = FALSE)
sweep$acc <- 100 * sweep$test_accuracy
sweep$validation <- 100 * sweep$validation_accuracy
sweep[["fgsm@0.1"]] <- 100 * sweep[["fgsm@0.1"]]
sweeps <- unique(sweep$dataset)
frame <- function(ds) if (ds %in% sweeps) sweep else runs
alpha <- 0.05
margin <- 0.3
rows <- list()

# the values (test accuracy in percent, or column v: a robustness measure) of a cell, by seed
acc <- function(ds, cell, size, v = "acc") {
  f <- frame(ds)
  r <- f[f$dataset == ds & paste0(f$architecture, "/", f$regularizer) == cell & f$size == size, ]
  setNames(r[[v]], r$seed)
}
paired <- function(ds, a, b, size, v = "acc") {
  x <- acc(ds, a, size, v); y <- acc(ds, b, size, v)
  s <- intersect(names(x), names(y))
  x[s] - y[s]
}
emit <- function(ds, claim, left, op, right, test, est, se, df, stat, p, lo, hi, bf = NA) {
  rows[[length(rows) + 1]] <<- data.frame(dataset = ds, claim = claim, left = left, op = op, right = right,
    test = test, estimate = est, se = se, df = df, statistic = stat, p = p, adjusted = NA, ci_low = lo,
    ci_high = hi, bf_p = bf)
}
# a paired t-test of LEFT - RIGHT at one size
emit_paired <- function(ds, claim, a, b, size) {
  d <- paired(ds, a, b, size)
  t <- t.test(d)
  emit(ds, claim, paste0(a, "@", size), ">", paste0(b, "@", size), "paired", mean(d), sd(d) / sqrt(length(d)),
       t$parameter, t$statistic, t$p.value, t$conf.int[1], t$conf.int[2])
}
# the Brown-Forsythe test: one-way ANOVA of |d - median of its size|
brown_forsythe <- function(d, size) {
  z <- abs(d - ave(d, size, FUN = median))
  anova(lm(z ~ factor(size)))[["Pr(>F)"]][1]
}

# the model of a claims file (C4: pooled over sizes unless Brown-Forsythe rejects; C2, C6: paired at
# its one size), a comparison under it, and a trend; sections 3, 4 and 7 use them
cells <- function(ds) unique(paste0(runs$architecture, "/", runs$regularizer)[runs$dataset == ds])
sizes <- function(ds) if (ds %in% sweeps) unique(sweep$size[sweep$dataset == ds]) else unique(runs$size[runs$dataset == ds])
# the difference, its se and df of LEFT - RIGHT at one size, under the dataset's model
model <- function(ds, a, b, size, v = "acc") {
  d <- paired(ds, a, b, size, v)
  if (ds == "c4") {
    dd <- lapply(sizes(ds), function(s) paired(ds, a, b, s))
    bf <- brown_forsythe(unlist(dd), rep(sizes(ds), sapply(dd, length)))
    if (bf >= alpha) {
      df <- sum(sapply(dd, length) - 1)
      s2 <- sum(sapply(dd, function(x) (length(x) - 1) * var(x))) / df
      return(list(m = mean(d), se = sqrt(s2 / length(d)), df = df, test = "pooled", bf = bf))
    }
    return(list(m = mean(d), se = sd(d) / sqrt(length(d)), df = length(d) - 1, test = "paired", bf = bf))
  }
  list(m = mean(d), se = sd(d) / sqrt(length(d)), df = length(d) - 1, test = "paired", bf = NA)
}
# a comparison of a claims file; a and b name the cells compared, shown as la and lb (the sweep's
# "spectreg=selected" is the grid cell R selected), v the value compared (a measure's column)
committed <- function(ds, claim, a, op, b, size, v = "acc", la = a, lb = b) {
  x <- model(ds, a, b, size, v)
  q <- qt(1 - alpha / 2, x$df)
  left <- paste0(la, "@", size); right <- paste0(lb, "@", size)
  if (op == "~") {
    p_low <- pt((x$m + margin) / x$se, x$df, lower.tail = FALSE)
    p_high <- pt((x$m - margin) / x$se, x$df)
    p_in <- max(p_low, p_high)
    p_out <- min(1, 2 * if (x$m >= 0) pt((x$m - margin) / x$se, x$df, lower.tail = FALSE) else
      pt((x$m + margin) / x$se, x$df))
    stat <- if (p_in <= p_out) { if (p_low >= p_high) (x$m + margin) / x$se else (x$m - margin) / x$se } else
      { if (x$m >= 0) (x$m - margin) / x$se else (x$m + margin) / x$se }
    emit(ds, claim, left, op, right, x$test, x$m, x$se, x$df, stat, min(p_in, p_out), x$m - q * x$se,
         x$m + q * x$se, x$bf)
    rows[[length(rows)]]$within <<- p_in <= p_out
  } else {
    tt <- x$m / x$se
    emit(ds, claim, left, op, right, x$test, x$m, x$se, x$df, tt, 2 * pt(-abs(tt), x$df), x$m - q * x$se,
         x$m + q * x$se, x$bf)
  }
}
trend <- function(ds, claim, a, b) {
  g <- do.call(rbind, lapply(sizes(ds), function(size) {
    d <- paired(ds, a, b, size)
    data.frame(seed = names(d), size = as.numeric(size), gain = unname(d))
  }))
  fit <- lm(gain ~ factor(seed) + log(size), data = g)
  co <- summary(fit)$coefficients["log(size)", ]
  ci <- confint(fit)["log(size)", ]
  emit(ds, claim, paste0(a, " - ", b), "shrinks", "", "trend", co[1] * log(2), co[2] * log(2),
       fit$df.residual, co[3], co[4], ci[1] * log(2), ci[2] * log(2))
}
c4sizes <- unique(runs$size[runs$dataset == "c4"])
rivals <- c("dropout/none", "dropout/spectreg", "dropout/jacreg", "dropout/cp")

# 1. C4, per size: DoubleBack best at every size (36 paired t-tests)
for (size in c4sizes) for (r in rivals) emit_paired("c4", "best", "dropout/doubleback", r, size)

# 2. C4, per size: SpectReg ~ CP at the large sizes (TOST, or beyond the margin)
for (size in c("10000", "15000", "20000")) {
  d <- paired("c4", "dropout/spectreg", "dropout/cp", size)
  n <- length(d); m <- mean(d); se <- sd(d) / sqrt(n)
  p_low <- t.test(d, mu = -margin, alternative = "greater")$p.value
  p_high <- t.test(d, mu = margin, alternative = "less")$p.value
  p_in <- max(p_low, p_high)
  p_out <- if (m >= 0) min(1, 2 * t.test(d, mu = margin, alternative = "greater")$p.value) else
    min(1, 2 * t.test(d, mu = -margin, alternative = "less")$p.value)
  stat <- if (p_in <= p_out) { if (p_low >= p_high) (m + margin) / se else (m - margin) / se } else
    { if (m >= 0) (m - margin) / se else (m + margin) / se }
  ci <- t.test(d)$conf.int
  emit("c4", "equivalent", paste0("dropout/spectreg@", size), "~", paste0("dropout/cp@", size), "paired", m, se,
       n - 1, stat, min(p_in, p_out), ci[1], ci[2])
  rows[[length(rows)]]$within <- p_in <= p_out
}

# 3. C4: the gains over no regularizer shrink with the size (seed as a block), per doubling
for (a in c("dropout/doubleback", "dropout/spectreg")) trend("c4", "trend", a, "dropout/none")

# 4. C4, pooled over sizes: DoubleBack best at every size, each pair's variance pooled over the 9 sizes
for (r in rivals) for (size in c4sizes) committed("c4", "best-pooled", "dropout/doubleback", ">", r, size)

# 5. C2: DoubleBack with dropout against every other cell (8 paired t-tests, n = 10)
c2cells <- unique(paste0(runs$architecture, "/", runs$regularizer)[runs$dataset == "c2"])
for (r in setdiff(c2cells, "dropout/doubleback")) emit_paired("c2", "most accurate", "dropout/doubleback", r,
                                                                "200/class")

# 6. Welch's t-test when the cells share no seed
x <- acc("welch", "dropout/doubleback", "200/class"); y <- acc("welch", "dropout/spectreg", "200/class")
t <- t.test(x, y)
emit("welch", "unpaired", "dropout/doubleback@200/class", ">", "dropout/spectreg@200/class", "welch",
     mean(x) - mean(y), sqrt(var(x) / length(x) + var(y) / length(y)), t$parameter, t$statistic, t$p.value,
     t$conf.int[1], t$conf.int[2])

# 7. Every claim of the committed claims files (jobs/*.claims), labelled by its text, with the
# model its file declares: C4 pools each pair's paired differences over the sizes unless the
# Brown-Forsythe test rejects equal variance (then size by size); C2 and C6 test each pair at its
# one size. Written out by hand here from the claims files, so that R parses nothing of gradreg's.
every_size <- function(ds, claim, a, op, b) for (size in sizes(ds)) committed(ds, claim, a, op, b, size)
one <- "200/class"
# jobs/c2-dropout-batchnorm.claims
claim <- "DoubleBack beats no regularizer on the baseline network"
committed("c2", claim, "baseline/doubleback", ">", "baseline/none", one)
claim <- "SpectReg beats no regularizer on the baseline network"
committed("c2", claim, "baseline/spectreg", ">", "baseline/none", one)
claim <- "DoubleBack and SpectReg beat dropout alone"
for (a in c("baseline/doubleback", "baseline/spectreg")) committed("c2", claim, a, ">", "dropout/none", one)
claim <- "DoubleBack and SpectReg beat batch normalization alone"
for (a in c("baseline/doubleback", "baseline/spectreg")) committed("c2", claim, a, ">", "batchnorm/none", one)
claim <- "Gradient regularization adds to dropout"
for (a in c("dropout/doubleback", "dropout/spectreg")) committed("c2", claim, a, ">", "dropout/none", one)
claim <- "DoubleBack with dropout is the most accurate configuration"
for (b in setdiff(cells("c2"), "dropout/doubleback")) committed("c2", claim, "dropout/doubleback", ">", b, one)
# jobs/c6-jacobian-norms.claims
committed("c6", "SpectReg is as accurate as FrobReg (the Jacobian it estimates)", "dropout/spectreg", "~",
          "dropout/frobreg", one)
committed("c6", "SpectReg is as accurate as JacReg", "dropout/spectreg", "~", "dropout/jacreg", one)
for (b in setdiff(cells("c6"), "dropout/spectreg")) committed("c6", "SpectReg performs best", "dropout/spectreg",
                                                              ">", b, one)
# jobs/c4-train-size.claims (model = pooled-over-sizes)
claim <- "DoubleBack is best at every size"
for (size in sizes("c4")) for (b in setdiff(cells("c4"), "dropout/doubleback"))
  committed("c4", claim, "dropout/doubleback", ">", b, size)
claim <- "SpectReg beats CP at 500, 1,000 and 2,000 examples"
for (size in c("500", "1000", "2000")) committed("c4", claim, "dropout/spectreg", ">", "dropout/cp", size)
trend("c4", "SpectReg's gain over CP shrinks as the training set grows", "dropout/spectreg", "dropout/cp")
claim <- "SpectReg is as accurate as CP at 10,000, 15,000 and 20,000 examples"
for (size in c("10000", "15000", "20000")) committed("c4", claim, "dropout/spectreg", "~", "dropout/cp", size)
claim <- "JacReg is consistently worse than its peers"
every_size("c4", claim, "dropout/jacreg", "<", "dropout/doubleback")
every_size("c4", claim, "dropout/jacreg", "<", "dropout/spectreg")
claim <- "Gradient regularization helps most with little data: its gain over no regularizer shrinks as the training set grows"
for (a in c("dropout/doubleback", "dropout/spectreg")) trend("c4", claim, a, "dropout/none")

# 8. The weight sweeps: first, in each sweep, each regularizer's weight at each size as the declared
# rule (best-mean) selects it from the validation accuracies alone (the highest mean over the seeds,
# a tie to the larger weight; every weight must have the same seeds); then the C6 sweep's claims
# (jobs/c6-weight-sweep.claims, one size, paired by seed) with REG=selected standing for that grid cell
grid <- sweep[grepl("=", sweep$regularizer), ]
grid$base <- sub("=.*", "", grid$regularizer)
grid$weight <- as.numeric(sub(".*=", "", grid$regularizer))
# a weight as its grid cell writes it ("0.0003", not R's "3e-04")
label <- function(g, w) sub(".*=", "", g$regularizer[g$weight == w][1])
selections <- list()
for (ds in sweeps) for (reg in unique(grid$base[grid$dataset == ds]))
    for (size in unique(grid$size[grid$dataset == ds & grid$base == reg])) {
  g <- grid[grid$dataset == ds & grid$base == reg & grid$size == size, ]
  seeds <- tapply(g$seed, g$weight, function(s) paste(sort(s), collapse = " "))
  stopifnot(length(unique(seeds)) == 1)
  m <- tapply(g$validation, g$weight, mean)
  w <- as.numeric(names(m))
  best <- w[order(m, w, decreasing = TRUE)][1]
  selections[[length(selections) + 1]] <- data.frame(dataset = ds, claim = "selected weight",
    left = paste0(g$architecture[1], "/", reg, "@", size), op = "=",
    right = label(g, best), test = "best-mean", estimate = unname(m[as.character(best)]))
}
selections <- do.call(rbind, selections)
# the grid cell a sweep's rule selected for REG at SIZE
sel <- function(ds, reg, size) paste0("dropout/", reg, "=", selections$right[selections$dataset == ds &
                                      selections$left == paste0("dropout/", reg, "@", size)])
at_selected <- function(ds, claim, a, op, b, size, v = "acc") {
  pick <- function(cell) if (grepl("=selected$", cell)) sel(ds, sub("dropout/(.*)=selected", "\\1", cell), size) else cell
  committed(ds, claim, pick(a), op, pick(b), size, v, a, b)
}
ds <- "c6-weight-sweep"
gradient <- c("doubleback", "spectreg", "frobreg", "jacreg")
for (reg in c("spectreg", "frobreg", "jacreg", "doubleback"))
  at_selected(ds, paste0(c(spectreg = "SpectReg", frobreg = "FrobReg", jacreg = "JacReg",
                       doubleback = "DoubleBack")[reg], " at its selected weight beats no regularizer"),
              paste0("dropout/", reg, "=selected"), ">", "dropout/none", one)
claim <- "Every gradient regularizer has a smaller test input-gradient norm than none"
for (reg in gradient) at_selected(ds, claim, paste0("dropout/", reg, "=selected"), "<", "dropout/none", one, "gradnorm")
claim <- "Every gradient regularizer resists FGSM at 0.1 better than none"
for (reg in gradient) at_selected(ds, claim, paste0("dropout/", reg, "=selected"), ">", "dropout/none", one, "fgsm@0.1")
claim <- "Every gradient regularizer resists FGSM at 0.1 better than CP"
for (reg in gradient) at_selected(ds, claim, paste0("dropout/", reg, "=selected"), ">", "dropout/cp=selected",
                                  one, "fgsm@0.1")
claim <- "Robustness keeps rising past the selected weight (the largest grid weight resists FGSM better)"
for (reg in c("spectreg", "doubleback", "cp")) {
  g <- grid[grid$dataset == ds & grid$base == reg, ]
  at_selected(ds, claim, paste0("dropout/", reg, "=", label(g, max(g$weight))), ">", paste0("dropout/", reg, "=selected"),
              one, "fgsm@0.1")
}

# 9. The C4 SpectReg sweep (jobs/c4-spectreg-sweep.claims, model = per-size: paired by seed at each size)
ds <- "c4-spectreg-sweep"
for (size in c("2000", "10000"))
  at_selected(ds, paste0("SpectReg at its selected weight beats no regularizer at ", format(as.numeric(size),
              big.mark = ","), " examples"), "dropout/spectreg=selected", ">", "dropout/none", size)

out <- do.call(rbind, lapply(rows, function(r) { if (is.null(r$within)) r$within <- NA; r }))
key <- paste(out$dataset, out$claim)
for (k in unique(key)) out$adjusted[key == k] <- p.adjust(out$p[key == k], method = "holm")
# each comparison shown for the claim, against it, or neither; each claim's verdict from them
claimed <- ifelse(out$op == "~", out$within, ifelse(out$op == ">", out$estimate > 0, out$estimate < 0))
out$shown <- ifelse(out$adjusted < alpha, ifelse(claimed, "for", "against"), "")
out$verdict <- ""
for (k in unique(key)) {
  s <- out$shown[key == k]
  out$verdict[key == k] <- if (any(s == "against")) "CONTRADICTED" else if (all(s == "for")) "SUPPORTED" else
    "NOT_SHOWN"
}
# the sweep's selections last, as rows of their own (no test: estimate is the best mean validation accuracy)
for (column in setdiff(names(out), names(selections))) selections[[column]] <- NA
write.csv(rbind(out, selections[names(out)]), stdout(), row.names = FALSE)
