"""The app starts on migrated tables and serves the sign-in page."""


def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b'name="password"' in response.data


def test_signed_in_user_sees_home(client, login_as):
    login_as("rep")
    response = client.get("/")
    assert response.status_code == 200
    assert b"Sign out" in response.data or "退出".encode() in response.data


def test_favicon_ico_points_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert "/static/favicon.svg" in response.headers["Location"]
    assert client.get(response.headers["Location"]).status_code == 200
