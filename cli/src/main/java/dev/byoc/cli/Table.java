package dev.byoc.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Aligned columns (kubectl-style): widths from the plain text, colours applied after padding. */
public final class Table {
    public record Cell(String text, UnaryOperator<String> colour) {
        public static Cell of(String text) {
            return new Cell(text == null ? "" : text, UnaryOperator.identity());
        }

        public static Cell of(String text, UnaryOperator<String> colour) {
            return new Cell(text == null ? "" : text, colour);
        }
    }

    private final List<String> headers;
    private final List<List<Cell>> rows = new ArrayList<>();

    public Table(String... headers) {
        this.headers = List.of(headers);
    }

    public Table row(Cell... cells) {
        rows.add(List.of(cells));
        return this;
    }

    public String render(Style style) {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < headers.size(); i++) {
            widths[i] = width(headers.get(i));
        }
        for (List<Cell> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], width(row.get(i).text()));
            }
        }
        StringBuilder out = new StringBuilder();
        List<Cell> headerCells = headers.stream().map(h -> Cell.of(h, style::bold)).toList();
        line(out, headerCells, widths);
        for (List<Cell> row : rows) {
            line(out, row, widths);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, List<Cell> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            Cell cell = cells.get(i);
            boolean last = i == cells.size() - 1;
            String padded = last ? cell.text() : cell.text() + " ".repeat(widths[i] - width(cell.text()));
            line.append(cell.colour().apply(cell.text())).append(padded.substring(cell.text().length()));
            if (!last) {
                line.append("  ");
            }
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    static int width(String s) {
        return s.codePointCount(0, s.length());
    }
}
