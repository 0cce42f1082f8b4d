package dev.byoc.registry.projection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.event.Check;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Each check of a new report with {@code since}: when it last changed status. A check whose status
 * is the one the previous report gave keeps that report's {@code since}; a new or changed one starts
 * at the new report's time. Computed from the previous report in the view, so a rebuild, which
 * folds the same reports in the same order, gives the same times.
 */
final class CheckHistory {
    private CheckHistory() {
    }

    /** @param previous the checks JSON the view holds (null before the first report) @return the new checks JSON */
    static String since(String previous, List<Check> checks, Instant at) {
        Map<String, JsonNode> before = new HashMap<>();
        if (previous != null) {
            try {
                Json.mapper().readTree(previous).forEach(c -> before.put(c.path("id").asText(), c));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                // a column this class wrote is JSON; were it not, every check simply starts now
            }
        }
        ArrayNode out = Json.mapper().createArrayNode();
        for (Check check : checks) {
            ObjectNode node = Json.mapper().valueToTree(check);
            JsonNode earlier = before.get(check.id());
            boolean unchanged = earlier != null && check.status().name().equals(earlier.path("status").asText())
                    && earlier.hasNonNull("since");
            node.put("since", unchanged ? earlier.get("since").asText() : at.toString());
            out.add(node);
        }
        return Json.write(out);
    }
}
