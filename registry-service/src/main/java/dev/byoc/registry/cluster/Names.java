package dev.byoc.registry.cluster;

import java.util.Comparator;
import java.util.List;

/** "Did you mean": names within a small edit distance, closest first. */
final class Names {
    private Names() {
    }

    static List<String> closest(String wanted, List<String> names) {
        int limit = Math.max(2, wanted.length() / 3);
        return names.stream()
                .filter(n -> distance(wanted, n) <= limit || n.contains(wanted) || wanted.contains(n))
                .sorted(Comparator.comparingInt(n -> distance(wanted, n)))
                .limit(3)
                .toList();
    }

    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
