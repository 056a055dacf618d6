# Expected values for ClaimsAgainstRTest, computed with base R only (stats: t.test, lm, anova,
# p.adjust) from data.csv (the committed C4 and C2 runs; 'welch' is C2 dropout DoubleBack seeds 1-5
# against SpectReg seeds 6-10, which share no seed). Regenerate with
#   Rscript expected.R > expected.csv
# from this directory; the test reads expected.csv. One row per comparison of each claim below.
options(digits = 17, width = 1000)
runs <- read.csv("data.csv", colClasses = c(size = "character"))
runs$acc <- 100 * runs$test_accuracy
alpha <- 0.05
margin <- 0.3
rows <- list()

acc <- function(ds, cell, size) {
  r <- runs[runs$dataset == ds & paste0(runs$architecture, "/", runs$regularizer) == cell & runs$size == size, ]
  setNames(r$acc, r$seed)
}
paired <- function(ds, a, b, size) {
  x <- acc(ds, a, size); y <- acc(ds, b, size)
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
}

# 3. C4: the gains over no regularizer shrink with the size (seed as a block), per doubling
for (a in c("dropout/doubleback", "dropout/spectreg")) {
  g <- do.call(rbind, lapply(c4sizes, function(size) {
    d <- paired("c4", a, "dropout/none", size)
    data.frame(seed = names(d), size = as.numeric(size), gain = unname(d))
  }))
  fit <- lm(gain ~ factor(seed) + log(size), data = g)
  co <- summary(fit)$coefficients["log(size)", ]
  ci <- confint(fit)["log(size)", ]
  emit("c4", "trend", paste0(a, " - dropout/none"), "shrinks", "", "trend", co[1] * log(2), co[2] * log(2),
       fit$df.residual, co[3], co[4], ci[1] * log(2), ci[2] * log(2))
}

# 4. C4, pooled over sizes: DoubleBack best at every size, each pair's variance pooled over the 9 sizes
for (r in rivals) {
  dd <- lapply(c4sizes, function(size) paired("c4", "dropout/doubleback", r, size))
  sz <- rep(c4sizes, sapply(dd, length))
  bf <- brown_forsythe(unlist(dd), sz)
  df <- sum(sapply(dd, length) - 1)
  s2 <- sum(sapply(dd, function(d) (length(d) - 1) * var(d))) / df
  for (i in seq_along(c4sizes)) {
    d <- dd[[i]]
    if (bf < alpha) {
      t <- t.test(d)
      emit("c4", "best-pooled", paste0("dropout/doubleback@", c4sizes[i]), ">", paste0(r, "@", c4sizes[i]),
           "paired", mean(d), sd(d) / sqrt(length(d)), t$parameter, t$statistic, t$p.value, t$conf.int[1],
           t$conf.int[2], bf)
    } else {
      se <- sqrt(s2 / length(d)); tt <- mean(d) / se; q <- qt(1 - alpha / 2, df)
      emit("c4", "best-pooled", paste0("dropout/doubleback@", c4sizes[i]), ">", paste0(r, "@", c4sizes[i]),
           "pooled", mean(d), se, df, tt, 2 * pt(-abs(tt), df), mean(d) - q * se, mean(d) + q * se, bf)
    }
  }
}

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

out <- do.call(rbind, rows)
key <- paste(out$dataset, out$claim)
for (k in unique(key)) out$adjusted[key == k] <- p.adjust(out$p[key == k], method = "holm")
write.csv(out, stdout(), row.names = FALSE)
