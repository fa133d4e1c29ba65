"""Analytics reports (Task 08): aggregation pipelines over orders, products and posts.
Every endpoint needs an admin's token (the service decides: 403 for anyone else)."""

from datetime import datetime

from fastapi import APIRouter, Depends, Query

from backend.deps import get_actor, get_analytics_service
from backend.schemas.analytics import (CategoryCount, CommunityEngagement, Dashboard, DayRevenue, PriceBucket,
                                       SupplierOrder, SupplierRevenue, TopProduct)

router = APIRouter(prefix="/analytics", tags=["Analytics"])


@router.get("/revenue-by-supplier", response_model=list[SupplierRevenue])
async def revenue_by_supplier(start: datetime | None = None, end: datetime | None = None, actor=Depends(get_actor),
                              service=Depends(get_analytics_service)):
    return await service.revenue_by_supplier(actor, start=start, end=end)


@router.get("/top-products", response_model=list[TopProduct])
async def top_products(limit: int = Query(10, ge=1, le=100), actor=Depends(get_actor),
                       service=Depends(get_analytics_service)):
    return await service.top_products(actor, limit=limit)


@router.get("/suppliers/{supplier_id}/orders", response_model=list[SupplierOrder])
async def supplier_orders(supplier_id: str, limit: int = Query(20, ge=1, le=100), actor=Depends(get_actor),
                          service=Depends(get_analytics_service)):
    return await service.supplier_orders(actor, supplier_id, limit=limit)


@router.get("/post-engagement", response_model=list[CommunityEngagement])
async def post_engagement(actor=Depends(get_actor), service=Depends(get_analytics_service)):
    return await service.post_engagement(actor)


@router.get("/price-distribution", response_model=list[PriceBucket])
async def price_distribution(actor=Depends(get_actor), service=Depends(get_analytics_service)):
    return await service.price_distribution(actor)


@router.get("/daily-revenue", response_model=list[DayRevenue])
async def daily_revenue(days: int = Query(30, ge=1, le=366), actor=Depends(get_actor),
                        service=Depends(get_analytics_service)):
    return await service.daily_revenue(actor, days=days)


@router.get("/top-categories", response_model=list[CategoryCount])
async def top_categories(limit: int = Query(10, ge=1, le=100), actor=Depends(get_actor),
                         service=Depends(get_analytics_service)):
    return await service.top_categories(actor, limit=limit)


@router.get("/dashboard", response_model=Dashboard)
async def dashboard(actor=Depends(get_actor), service=Depends(get_analytics_service)):
    return await service.dashboard(actor)
