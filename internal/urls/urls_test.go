package urls

import "testing"

func TestLinks(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ got, want string }{
		{Return("https://assure.example.org", "abc"), "https://assure.example.org/r/abc"},
		{Return("https://assure.example.org/", "abc"), "https://assure.example.org/r/abc"},
		{TeacherSignIn("http://localhost:8080", "xyz"), "http://localhost:8080/joso/link/xyz"},
		{ReturnPath("abc"), "/r/abc"},
		{TeacherSignInPath("xyz"), "/joso/link/xyz"},
		{ReturnRoute, "/r/:token"},
		{TeacherSignInRoute, "/joso/link/:token"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
