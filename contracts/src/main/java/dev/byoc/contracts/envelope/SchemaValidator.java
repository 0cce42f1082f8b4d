package dev.byoc.contracts.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Validates event data against the contract's JSON Schemas ({@code classpath:schemas/<ce_type>.json}). */
public final class SchemaValidator {
    public static final String SCHEMA_BASE = "https://byoc.dev/schemas/";

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            builder -> builder.schemaMappers(m -> m.mapPrefix(SCHEMA_BASE, "classpath:schemas/")));
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true)
            .build();
    private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();

    private SchemaValidator() {
    }

    /** The violations of the schema for {@code schemaName} (a ce_type or {@code byoc.cluster-state.v1}); empty = valid. */
    public static List<String> violations(String schemaName, JsonNode data) {
        JsonSchema schema = SCHEMAS.computeIfAbsent(schemaName,
                name -> FACTORY.getSchema(SchemaLocation.of(SCHEMA_BASE + name + ".json"), CONFIG));
        return schema.validate(data).stream()
                .sorted(Comparator.comparing(ValidationMessage::getMessage))
                .map(ValidationMessage::getMessage)
                .toList();
    }

    public static List<String> violations(String schemaName, String json) {
        JsonSchema schema = SCHEMAS.computeIfAbsent(schemaName,
                name -> FACTORY.getSchema(SchemaLocation.of(SCHEMA_BASE + name + ".json"), CONFIG));
        return schema.validate(json, InputFormat.JSON).stream().map(ValidationMessage::getMessage).toList();
    }
}
