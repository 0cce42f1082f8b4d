package dev.byoc.contracts.spec;

/** One broken rule: the JSON path of the offending field (e.g. {@code spec.driver.kubernetes.aws.region}) and why. */
public record Violation(String path, String message) {
}
