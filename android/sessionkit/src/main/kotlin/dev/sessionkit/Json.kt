// Custom claims, unknown fields and factor details arrive as [JsonValue] trees, so an app
// reads them without a JSON library; these accessors make the common reads one call. The
// raw JSON stays available (`Session.toJson()`, `JsonValue.toString()`).
package dev.sessionkit

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
