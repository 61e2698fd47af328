"""Users (the connection address is the login), the allauth adapter, the ACC-6 lockout and its
unlock link, and the My account page."""
