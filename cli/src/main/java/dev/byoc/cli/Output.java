package dev.byoc.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.byoc.contracts.Json;
import java.io.PrintStream;

/** {@code --output}: human tables (the default), or JSON / YAML documents for scripts. */
public enum Output {
    table, json, yaml;

    private static ObjectMapper yamlMapper;

    public boolean human() {
        return this == table;
    }

    /** Prints a document in this format; a no-op for {@code table} (the command prints its own). */
    public void print(PrintStream out, Object value) {
        switch (this) {
            case json -> out.println(pretty(value));
            case yaml -> out.print(write(yaml().writer(), value));
            default -> {
            }
        }
    }

    /** Indented JSON, as {@code --output json} prints it (without the final newline). */
    public static String pretty(Object value) {
        return write(Json.mapper().writerWithDefaultPrettyPrinter(), value);
    }

    private static String write(ObjectWriter writer, Object value) {
        try {
            return writer.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new CliException(ExitCodes.FAILED, "cannot format the output: " + e.getOriginalMessage());
        }
    }

    /** Created only for --output yaml: SnakeYAML costs start-up time nobody else should pay. */
    private static synchronized ObjectMapper yaml() {
        if (yamlMapper == null) {
            yamlMapper = new ObjectMapper(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .build())
                    .findAndRegisterModules();
        }
        return yamlMapper;
    }

    /** picocli: accepts json, yaml, yml, table (any case). */
    public static final class Converter implements picocli.CommandLine.ITypeConverter<Output> {
        @Override
        public Output convert(String value) {
            return switch (value.toLowerCase(java.util.Locale.ROOT)) {
                case "json" -> json;
                case "yaml", "yml" -> yaml;
                case "table", "text", "human" -> table;
                default -> throw new picocli.CommandLine.TypeConversionException(
                        "'" + value + "' is not an output format; use table, json or yaml");
            };
        }
    }
}
