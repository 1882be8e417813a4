// The app's own screens that the README's SwiftUI sample calls: what that sample takes for
// granted around it (see SwiftUI.swift).
import SwiftUI

struct SignInView: View {
    var body: some View { Text("Sign in") }
}

struct HomeView: View {
    let userId: String?
    var body: some View { Text(userId ?? "") }
}
