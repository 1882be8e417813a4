// The app's own screens that the README's Compose sample calls: what that sample takes for
// granted around it (see AndroidApp.kt).
@file:Suppress("unused", "UNUSED_PARAMETER")

package dev.sessionkit.docs

import androidx.compose.runtime.Composable

@Composable
fun Splash() {}

@Composable
fun SignInScreen() {}

@Composable
fun Home(userId: String?) {}
