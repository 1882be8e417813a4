// A JSON value as plain Kotlin data: custom claims, fields SessionKit does not know, factor
// details. It prints as JSON text, parses JSON text, and needs neither a JSON library nor
// the native library, so an app's unit tests can build sessions from Stytch JSON on a plain
// JVM (Android's own org.json is a stub there).
package dev.sessionkit

/**
 * A JSON value. [toString] is its JSON text; [parse] reads one.
 *
 * Reading without casts: `session.customClaims["plan"]?.asString`,
 * `claims["org"]?.get("roles")?.get(0)?.asString`.
 */
sealed class JsonValue {
    /** JSON `null`. */
    data object Null : JsonValue()

    /** `true` or `false`. */
    data class Bool(val value: Boolean) : JsonValue()

    /** A whole number within 64 bits. */
    data class Integer(val value: Long) : JsonValue()

    /** Any other number. */
    data class Number(val value: Double) : JsonValue()

    /** A string. */
    data class Text(val value: String) : JsonValue()

    /** An array, in order. */
    data class Array(val items: List<JsonValue>) : JsonValue()

    /** An object, in the order its members came. */
    data class Object(val members: Map<String, JsonValue>) : JsonValue()

    /** The JSON text of this value (compact). */
    fun toJson(): String = StringBuilder().also { write(it) }.toString()

    /** The JSON text of this value. */
    final override fun toString(): String = toJson()

    private fun write(out: StringBuilder) {
        when (this) {
            Null -> out.append("null")
            is Bool -> out.append(value)
            is Integer -> out.append(value)
            is Number -> out.append(if (value.isFinite()) value.toString() else "null")
            is Text -> quote(value, out)
            is Array -> {
                out.append('[')
                items.forEachIndexed { i, item ->
                    if (i > 0) out.append(',')
                    item.write(out)
                }
                out.append(']')
            }
            is Object -> {
                out.append('{')
                var first = true
                for ((key, value) in members) {
                    if (!first) out.append(',')
                    first = false
                    quote(key, out)
                    out.append(':')
                    value.write(out)
                }
                out.append('}')
            }
        }
    }

    companion object {
        /**
         * Reads one JSON value (RFC 8259) from [text].
         *
         * @throws SessionKitException.InvalidArgument [text] is not JSON; the message says
         *   where, never what the text held.
         */
        @JvmStatic
        fun parse(text: String): JsonValue = JsonParser(text).document()

        /** An object from Kotlin pairs: `JsonValue.obj("plan" to JsonValue.Text("pro"))`. */
        @JvmStatic
        fun obj(vararg members: Pair<String, JsonValue>): JsonValue = Object(linkedMapOf(*members))

        private fun quote(text: String, out: StringBuilder) {
            out.append('"')
            for (c in text) {
                when {
                    c == '"' -> out.append("\\\"")
                    c == '\\' -> out.append("\\\\")
                    c == '\n' -> out.append("\\n")
                    c == '\r' -> out.append("\\r")
                    c == '\t' -> out.append("\\t")
                    c < ' ' -> out.append("\\u%04x".format(c.code))
                    else -> out.append(c)
                }
            }
            out.append('"')
        }
    }
}

/** The string, or `null` if this is not a JSON string. */
val JsonValue.asString: String?
    get() = (this as? JsonValue.Text)?.value

/** The whole number, or `null` if this is not one within 64 bits. */
val JsonValue.asLong: Long?
    get() = (this as? JsonValue.Integer)?.value

/** The number, whole or not, or `null` if this is not a JSON number. */
val JsonValue.asDouble: Double?
    get() = when (this) {
        is JsonValue.Integer -> value.toDouble()
        is JsonValue.Number -> value
        else -> null
    }

/** The boolean, or `null` if this is not `true` or `false`. */
val JsonValue.asBoolean: Boolean?
    get() = (this as? JsonValue.Bool)?.value

/** The elements, or `null` if this is not an array. */
val JsonValue.asList: List<JsonValue>?
    get() = (this as? JsonValue.Array)?.items

/** The members, or `null` if this is not an object. */
val JsonValue.asMap: Map<String, JsonValue>?
    get() = (this as? JsonValue.Object)?.members

/** Whether this is JSON `null`. */
val JsonValue.isNull: Boolean
    get() = this is JsonValue.Null

/** The member [key] of an object, or `null`. */
operator fun JsonValue.get(key: String): JsonValue? = asMap?.get(key)

/** The element [index] of an array, or `null`. */
operator fun JsonValue.get(index: Int): JsonValue? = asList?.getOrNull(index)

/** A recursive-descent reader of one JSON document; nesting is bounded. */
private class JsonParser(private val text: String) {
    private var at = 0
    private var depth = 0

    fun document(): JsonValue {
        val value = value()
        skipSpace()
        if (at != text.length) fail("unexpected text after the value")
        return value
    }

    private fun value(): JsonValue {
        skipSpace()
        if (at >= text.length) fail("unexpected end")
        return when (val c = text[at]) {
            '{' -> nested { obj() }
            '[' -> nested { array() }
            '"' -> JsonValue.Text(string())
            't' -> literal("true", JsonValue.Bool(true))
            'f' -> literal("false", JsonValue.Bool(false))
            'n' -> literal("null", JsonValue.Null)
            else -> if (c == '-' || c in '0'..'9') number() else fail("unexpected character")
        }
    }

    private inline fun nested(read: () -> JsonValue): JsonValue {
        if (++depth > MAX_DEPTH) fail("nested deeper than $MAX_DEPTH")
        return read().also { depth-- }
    }

    private fun obj(): JsonValue {
        at++ // {
        val members = LinkedHashMap<String, JsonValue>()
        skipSpace()
        if (peek() == '}') {
            at++
            return JsonValue.Object(members)
        }
        while (true) {
            skipSpace()
            if (peek() != '"') fail("expected a member name")
            val key = string()
            skipSpace()
            expect(':')
            members[key] = value()
            skipSpace()
            when (peek()) {
                ',' -> at++
                '}' -> {
                    at++
                    return JsonValue.Object(members)
                }
                else -> fail("expected ',' or '}'")
            }
        }
    }

    private fun array(): JsonValue {
        at++ // [
        val items = ArrayList<JsonValue>()
        skipSpace()
        if (peek() == ']') {
            at++
            return JsonValue.Array(items)
        }
        while (true) {
            items += value()
            skipSpace()
            when (peek()) {
                ',' -> at++
                ']' -> {
                    at++
                    return JsonValue.Array(items)
                }
                else -> fail("expected ',' or ']'")
            }
        }
    }

    private fun string(): String {
        at++ // "
        val out = StringBuilder()
        while (true) {
            if (at >= text.length) fail("unterminated string")
            val c = text[at++]
            when {
                c == '"' -> return out.toString()
                c == '\\' -> {
                    if (at >= text.length) fail("unterminated escape")
                    when (val e = text[at++]) {
                        '"', '\\', '/' -> out.append(e)
                        'b' -> out.append('\b')
                        'f' -> out.append('\u000c')
                        'n' -> out.append('\n')
                        'r' -> out.append('\r')
                        't' -> out.append('\t')
                        'u' -> {
                            if (at + 4 > text.length) fail("short \\u escape")
                            val hex = text.substring(at, at + 4)
                            out.append(hex.toIntOrNull(16)?.toChar() ?: fail("bad \\u escape"))
                            at += 4
                        }
                        else -> fail("bad escape")
                    }
                }
                c < ' ' -> fail("control character in a string")
                else -> out.append(c)
            }
        }
    }

    private fun number(): JsonValue {
        val start = at
        if (peek() == '-') at++
        digits()
        var whole = true
        if (peek() == '.') {
            at++
            digits()
            whole = false
        }
        if (peek() == 'e' || peek() == 'E') {
            at++
            if (peek() == '+' || peek() == '-') at++
            digits()
            whole = false
        }
        val literal = text.substring(start, at)
        if (whole) literal.toLongOrNull()?.let { return JsonValue.Integer(it) }
        return JsonValue.Number(literal.toDoubleOrNull() ?: fail("bad number"))
    }

    private fun digits() {
        val start = at
        while (at < text.length && text[at] in '0'..'9') at++
        if (at == start) fail("expected a digit")
    }

    private fun literal(word: String, value: JsonValue): JsonValue {
        if (!text.startsWith(word, at)) fail("unexpected word")
        at += word.length
        return value
    }

    private fun skipSpace() {
        while (at < text.length && text[at] in " \t\r\n") at++
    }

    private fun peek(): Char? = if (at < text.length) text[at] else null

    private fun expect(c: Char) {
        if (peek() != c) fail("expected '$c'")
        at++
    }

    private fun fail(what: String): Nothing =
        throw SessionKitException.InvalidArgument("not JSON: $what at offset $at")

    companion object {
        const val MAX_DEPTH = 128
    }
}
