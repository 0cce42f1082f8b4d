package dev.byoc.support.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Named parameters to PostgreSQL's positional ones, without a database. */
class SqlTest {

    @Test
    void namesBecomePositionsAndARepeatedNameKeepsItsPosition() {
        Sql.Bound bound = Sql.bind("select * from t where a = :a and b = cast(cast(:b as text) as uuid) or a > :a",
                Map.of("a", 1, "b", "x"));
        assertThat(bound.sql()).isEqualTo("select * from t where a = $1 and b = cast(cast($2 as text) as uuid) or a > $1");
        assertThat(bound.values()).containsExactly(1, "x");
    }

    @Test
    void castsLiteralsAndQuotedIdentifiersAreLeftAlone() {
        Sql.Bound bound = Sql.bind("select c::text, ':not' , \"odd:name\" from t where x = :x", Map.of("x", 2));
        assertThat(bound.sql()).isEqualTo("select c::text, ':not' , \"odd:name\" from t where x = $1");
        assertThat(bound.values()).containsExactly(2);
    }

    @Test
    void aCollectionExpandsToOneParameterPerElement() {
        Sql.Bound bound = Sql.bind("update t set s = :s where id in (:ids)", Map.of("s", "sent", "ids", List.of(7L, 8L, 9L)));
        assertThat(bound.sql()).isEqualTo("update t set s = $1 where id in ($2, $3, $4)");
        assertThat(bound.values()).containsExactly("sent", 7L, 8L, 9L);
    }

    @Test
    void anEmptyCollectionMatchesNothing() {
        assertThat(Sql.bind("select 1 from t where id in (:ids)", Map.of("ids", List.of())).sql())
                .isEqualTo("select 1 from t where id in (null)");
    }

    @Test
    void aMissingValueIsAnError() {
        assertThatThrownBy(() -> Sql.bind("select 1 where a = :missing", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(":missing");
    }
}
