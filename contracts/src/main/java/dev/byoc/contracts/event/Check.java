package dev.byoc.contracts.event;

/** One AWS validation check's outcome (DESIGN §6). */
public record Check(String id, Status status, String message, String remediation) {

    public enum Status {
        pass, warn, fail, skipped
    }

    public static Check pass(String id, String message) {
        return new Check(id, Status.pass, message, null);
    }

    public static Check warn(String id, String message, String remediation) {
        return new Check(id, Status.warn, message, remediation);
    }

    public static Check fail(String id, String message, String remediation) {
        return new Check(id, Status.fail, message, remediation);
    }

    public static Check skipped(String id, String message, String remediation) {
        return new Check(id, Status.skipped, message, remediation);
    }
}
