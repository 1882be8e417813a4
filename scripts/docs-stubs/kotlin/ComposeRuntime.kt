// Stand-ins for androidx.compose.runtime, as AndroidApp.kt explains: the annotation, State,
// the `by` delegate and StateFlow.collectAsState, with Compose's signatures. Without the
// Compose compiler plugin a @Composable here is a plain function: the sample's use of
// SessionKit (the status switch, exhaustive over SessionStatus) is what gets checked.
@file:Suppress("unused", "UNUSED_PARAMETER")

package androidx.compose.runtime

import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.reflect.KProperty
import kotlinx.coroutines.flow.StateFlow

@Target(AnnotationTarget.FUNCTION, AnnotationTarget.TYPE, AnnotationTarget.PROPERTY_GETTER)
annotation class Composable

interface State<out T> {
    val value: T
}

operator fun <T> State<T>.getValue(thisObj: Any?, property: KProperty<*>): T = value

@Composable
fun <T> StateFlow<T>.collectAsState(context: CoroutineContext = EmptyCoroutineContext): State<T> {
    val flow = this
    return object : State<T> {
        override val value: T get() = flow.value
    }
}
