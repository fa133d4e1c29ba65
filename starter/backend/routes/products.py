"""Products: create, read (by the owner and publicly), list and search, update, the
lifecycle moves, soft delete and stock changes (Task 04)."""

from fastapi import APIRouter, Depends, Query, Response, status

from backend.deps import get_actor, get_product_service
from backend.schemas.products import (CreateProductRequest, ProductPage, ProductResponse, PublicProductPage,
                                      PublicProductResponse, StockChangeRequest, UpdateProductRequest)

router = APIRouter(prefix="/products", tags=["Products"])


@router.post("", response_model=ProductResponse, status_code=status.HTTP_201_CREATED)
async def create_product(body: CreateProductRequest, actor=Depends(get_actor), service=Depends(get_product_service)):
    return ProductResponse.of(await service.create_product(actor, **body.model_dump()))


@router.get("/supplier", response_model=ProductPage)
async def list_own_products(
    status_: list[str] | None = Query(None, alias="status"),
    category: list[str] | None = Query(None),
    min_price: int | None = Query(None, ge=0),
    max_price: int | None = Query(None, ge=0),
    attr: list[str] | None = Query(None),
    q: str | None = Query(None, max_length=100),
    sort: str = "newest",
    limit: int = Query(20, ge=1),
    cursor: str | None = None,
    actor=Depends(get_actor),
    service=Depends(get_product_service),
):
    items, next_cursor = await service.list_own_products(
        actor, statuses=status_, categories=category, min_price=min_price, max_price=max_price, attributes=attr,
        q=q, sort=sort, limit=limit, cursor=cursor)
    return ProductPage(items=[ProductResponse.of(p) for p in items], next_cursor=next_cursor)


@router.get("/public", response_model=PublicProductPage)
async def list_catalogue(
    category: list[str] | None = Query(None),
    min_price: int | None = Query(None, ge=0),
    max_price: int | None = Query(None, ge=0),
    attr: list[str] | None = Query(None),
    q: str | None = Query(None, max_length=100),
    sort: str = "newest",
    limit: int = Query(20, ge=1),
    cursor: str | None = None,
    service=Depends(get_product_service),
):
    items, next_cursor = await service.list_catalogue(
        categories=category, min_price=min_price, max_price=max_price, attributes=attr, q=q, sort=sort,
        limit=limit, cursor=cursor)
    return PublicProductPage(items=[PublicProductResponse.of(p) for p in items], next_cursor=next_cursor)


@router.get("/public/{product_id}", response_model=PublicProductResponse)
async def get_public_product(product_id: str, service=Depends(get_product_service)):
    return PublicProductResponse.of(await service.get_public_product(product_id))


@router.get("/{product_id}", response_model=ProductResponse)
async def get_own_product(product_id: str, actor=Depends(get_actor), service=Depends(get_product_service)):
    return ProductResponse.of(await service.get_own_product(actor, product_id))


@router.patch("/{product_id}", response_model=ProductResponse)
async def update_product(product_id: str, body: UpdateProductRequest, actor=Depends(get_actor),
                         service=Depends(get_product_service)):
    changes = body.model_dump(exclude_none=True)
    version = changes.pop("version")
    return ProductResponse.of(await service.update_product(actor, product_id, version, **changes))


@router.delete("/{product_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_product(product_id: str, actor=Depends(get_actor), service=Depends(get_product_service)):
    await service.delete_product(actor, product_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{product_id}/publish", response_model=ProductResponse)
async def publish(product_id: str, actor=Depends(get_actor), service=Depends(get_product_service)):
    return ProductResponse.of(await service.publish(actor, product_id))


@router.post("/{product_id}/mark-out-of-stock", response_model=ProductResponse)
async def mark_out_of_stock(product_id: str, actor=Depends(get_actor), service=Depends(get_product_service)):
    return ProductResponse.of(await service.mark_out_of_stock(actor, product_id))


@router.post("/{product_id}/discontinue", response_model=ProductResponse)
async def discontinue(product_id: str, actor=Depends(get_actor), service=Depends(get_product_service)):
    return ProductResponse.of(await service.discontinue(actor, product_id))


@router.post("/{product_id}/restore", response_model=ProductResponse)
async def restore(product_id: str, actor=Depends(get_actor), service=Depends(get_product_service)):
    return ProductResponse.of(await service.restore(actor, product_id))


@router.post("/{product_id}/variants/{variant_key}/stock", response_model=ProductResponse)
async def change_stock(product_id: str, variant_key: str, body: StockChangeRequest, actor=Depends(get_actor),
                       service=Depends(get_product_service)):
    return ProductResponse.of(await service.change_stock(actor, product_id, variant_key, body.change))
