package dev.byoc.contracts.envelope;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/** RFC 3339 {@code date-time}, the format of {@code ce_time}. */
final class Rfc3339 {
    /** Seconds required, fraction optional, {@code Z} or a {@code ±hh:mm} offset; {@code T} and {@code Z} in either case. */
    private static final Pattern DATE_TIME = Pattern.compile(
            "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})");

    private Rfc3339() {
    }

    /** The instant {@code value} denotes, whatever its offset; empty when it is not an RFC 3339 date-time. */
    static Optional<Instant> parse(String value) {
        if (value == null || !DATE_TIME.matcher(value).matches()) {
            return Optional.empty();
        }
        try {
            // the ISO formatters resolve strictly: 2025-02-30 or 25:00 are refused, not rolled over
            return Optional.of(OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
