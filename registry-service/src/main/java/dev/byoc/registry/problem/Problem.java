package dev.byoc.registry.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.byoc.contracts.spec.Violation;
import java.util.List;

/** RFC 9457 problem details, with {@code errors} for rule violations. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<Violation> errors) {
    public static final String MEDIA_TYPE = "application/problem+json";
}
