"""GET /api/v1/me: who the caller is and which organisations they act for."""

from flask import Response, jsonify

from pooling.api import bp
from pooling.api.helpers import actor
from pooling.api.operations import operation
from pooling.api.schemas.me import Me
from pooling.qualifications import services as qualifications


@bp.get("/me")
@operation("Who am I", tag="me", answers={200: Me})
def me() -> Response:
    """The caller, their main organisation, their highest role, every membership and the
    qualifications they hold."""
    user = actor()
    main = user.organisation
    today = qualifications.pole_today()
    return jsonify(
        id=user.id,
        email=user.email,
        name=user.name,
        role=user.role,
        locale=user.locale,
        organisation={"id": main.id, "slug": main.slug, "name": main.name} if main else None,
        organisations=[
            {
                "id": m.organisation.id,
                "slug": m.organisation.slug,
                "name": m.organisation.name,
                "role": m.role,
            }
            for m in user.memberships
        ],
        qualifications=[
            {
                "id": h.qualification.id,
                "name": h.qualification.name,
                "valid_until": h.valid_until.isoformat() if h.valid_until else None,
                "valid": h.valid_on(today),
            }
            for h in qualifications.held_by(user)
        ],
    )
