"""When the database cannot be reached, pages answer a clear 503, not a stack trace."""


def test_an_unreachable_database_gives_the_503_page(make_app):
    # Port 1 on loopback: nothing listens there, so every connection is refused.
    app = make_app("postgresql://forum:forum@127.0.0.1:1/nowhere")
    response = app.test_client().get("/regions")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "<main" in response.text and "Traceback" not in response.text
    assert 'lang="sv"' in response.text
    # Pages that need no database still work.
    assert app.test_client().get("/accessibility").status_code == 200
