package dev.byoc.registry.problem;

import dev.byoc.contracts.spec.Violation;
import java.util.List;

/** Thrown anywhere in a request to answer with a problem document; nothing has been changed. */
public class ProblemException extends RuntimeException implements dev.byoc.support.Fault.Refusal {
    private final int status;
    private final String slug;
    private final String title;
    private final List<Violation> errors;
    private final Integer retryAfterSeconds;

    public ProblemException(int status, String slug, String title, String detail, List<Violation> errors) {
        this(status, slug, title, detail, errors, null);
    }

    private ProblemException(int status, String slug, String title, String detail, List<Violation> errors,
            Integer retryAfterSeconds) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.errors = errors;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 503 with {@code Retry-After}: a part the registry depends on did not answer; nothing was changed. */
    public static ProblemException unavailable(String slug, String detail, int retryAfterSeconds) {
        return new ProblemException(503, slug, "Service Unavailable", detail, null, retryAfterSeconds);
    }

    public static ProblemException invalid(List<Violation> errors) {
        String detail = errors.size() == 1 ? errors.get(0).path() + ": " + errors.get(0).message()
                : errors.size() + " fields break the rules; see errors";
        return new ProblemException(400, "invalid-request", "The request breaks the cluster rules", detail, errors);
    }

    public static ProblemException notFound(String what) {
        return new ProblemException(404, "not-found", "Not found", what, null);
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(409, "conflict", "Conflict", detail, null);
    }

    public Problem toProblem() {
        return new Problem("https://byoc.dev/problems/" + slug, title, status, getMessage(), errors);
    }

    public int status() {
        return status;
    }

    /** seconds for the {@code Retry-After} header, or null for none */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
