"""Supplier accounts: registration, email verification, login and refresh, verification
documents, the supplier's own profile, and the public view of a supplier (Task 02)."""

from fastapi import APIRouter, Depends, Response, status

from backend.deps import get_actor, get_supplier_service
from backend.schemas.suppliers import (
    PublicSupplierResponse,
    RefreshRequest,
    ReviewRequest,
    SubmitDocumentsRequest,
    SupplierLoginRequest,
    SupplierRegisterRequest,
    SupplierResponse,
    SupplierTokenRequest,
    SupplierTokenResponse,
    SupplierUpdateRequest,
)

router = APIRouter(prefix="/suppliers", tags=["Suppliers"])


def _tokens(service, pair) -> SupplierTokenResponse:
    access_token, refresh_token = pair
    return SupplierTokenResponse(access_token=access_token, refresh_token=refresh_token,
                                 expires_in=service.settings.access_token_minutes * 60)


@router.post("/register", status_code=status.HTTP_201_CREATED, response_model=SupplierResponse)
async def register(body: SupplierRegisterRequest, service=Depends(get_supplier_service)):
    supplier = await service.register(
        email=body.email,
        password=body.password,
        contact_info=body.contact_info.model_dump(),
        company_info=body.company_info.model_dump(),
        business_info=body.business_info.model_dump(),
        banking_info=body.banking_info.model_dump() if body.banking_info else None,
        accept_terms=body.accept_terms,
        accept_privacy_policy=body.accept_privacy_policy,
    )
    return SupplierResponse.of(supplier)


@router.post("/verify-email", response_model=SupplierResponse)
async def verify_email(body: SupplierTokenRequest, service=Depends(get_supplier_service)):
    return SupplierResponse.of(await service.verify_email(body.token))


@router.post("/login", response_model=SupplierTokenResponse)
async def login(body: SupplierLoginRequest, service=Depends(get_supplier_service)):
    return _tokens(service, await service.login(body.email, body.password))


@router.post("/refresh", response_model=SupplierTokenResponse)
async def refresh(body: RefreshRequest, service=Depends(get_supplier_service)):
    return _tokens(service, await service.refresh(body.refresh_token))


@router.get("/me", response_model=SupplierResponse)
async def get_me(actor=Depends(get_actor), service=Depends(get_supplier_service)):
    return SupplierResponse.of(await service.get_own_profile(actor))


@router.patch("/me", response_model=SupplierResponse)
async def update_me(body: SupplierUpdateRequest, actor=Depends(get_actor), service=Depends(get_supplier_service)):
    return SupplierResponse.of(await service.update_profile(actor, body.changes()))


@router.delete("/me", status_code=status.HTTP_204_NO_CONTENT)
async def delete_me(actor=Depends(get_actor), service=Depends(get_supplier_service)):
    await service.delete_account(actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/me/documents", response_model=SupplierResponse)
async def submit_documents(body: SubmitDocumentsRequest, actor=Depends(get_actor),
                           service=Depends(get_supplier_service)):
    documents = [d.model_dump() for d in body.documents]
    return SupplierResponse.of(await service.submit_documents(actor, documents))


@router.post("/{supplier_id}/review", response_model=SupplierResponse)
async def review(supplier_id: str, body: ReviewRequest, actor=Depends(get_actor),
                 service=Depends(get_supplier_service)):
    return SupplierResponse.of(await service.review_documents(actor, supplier_id, body.decision, body.reason))


@router.get("/{supplier_id}", response_model=PublicSupplierResponse)
async def get_public(supplier_id: str, service=Depends(get_supplier_service)):
    return PublicSupplierResponse.of(await service.get_public(supplier_id))
