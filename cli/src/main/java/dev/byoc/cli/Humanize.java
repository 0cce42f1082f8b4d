package dev.byoc.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Times the way people read them: "2 days ago", "1m12s". */
public final class Humanize {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private Humanize() {
    }

    public static String ago(Instant then, Instant now) {
        if (then == null) {
            return "";
        }
        long s = Duration.between(then, now).getSeconds();
        if (s < 10) {
            return "just now";
        }
        if (s < 60) {
            return s + " seconds ago";
        }
        long m = s / 60;
        if (m < 60) {
            return m == 1 ? "a minute ago" : m + " minutes ago";
        }
        long h = m / 60;
        if (h < 24) {
            return h == 1 ? "an hour ago" : h + " hours ago";
        }
        long d = h / 24;
        if (d < 30) {
            return d == 1 ? "a day ago" : d + " days ago";
        }
        if (d < 365) {
            long months = d / 30;
            return months == 1 ? "a month ago" : months + " months ago";
        }
        long years = d / 365;
        return years == 1 ? "a year ago" : years + " years ago";
    }

    public static String stamp(Instant t) {
        return t == null ? "" : STAMP.format(t);
    }

    /** 45s, 1m12s, 1h02m. */
    public static String elapsed(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + String.format("%02d", s % 60) + "s";
        }
        return (s / 3600) + "h" + String.format("%02d", (s % 3600) / 60) + "m";
    }

    public static Instant instant(String iso) {
        if (iso == null || iso.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(iso);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
