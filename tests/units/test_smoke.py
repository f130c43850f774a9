def test_principal_sees_own_school(cast, login):
    client = login(cast.principal_a)
    r = client.get(f"/don-vi/{cast.school_a.code}/")
    assert r.status_code == 200
    assert "Trường THCS An Bình" in r.text
    assert client.get(f"/don-vi/{cast.school_x.code}/").status_code == 404
