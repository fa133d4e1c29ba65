"""Tell a limit of the embedded database from a mistake in the learner's query.

The embedded stack's database is mongomock, which lacks some of MongoDB's operators (``$lookup``
with ``pipeline``, ``$sortByCount``, ``$round``...). It refuses them with a NotImplementedError
or an "Unrecognized expression" error, and it refuses a misspelt operator (``$grup``) the same
way. A real MongoDB runs the first and refuses the second, so the verdicts differ: the first
is "needs local stack" (never a fail), the second is the learner's mistake (a fail naming it).
"""

from __future__ import annotations

import os
import re
from types import TracebackType

# The operators of MongoDB 7 and 8 that a query or a pipeline may name: stages, expression
# operators, accumulators and window operators, query and update operators.
STAGES = frozenset("""
$addFields $bucket $bucketAuto $changeStream $changeStreamSplitLargeEvent $collStats $count $currentOp $densify
$documents $facet $fill $geoNear $graphLookup $group $indexStats $limit $listLocalSessions $listSampledQueries
$listSearchIndexes $listSessions $lookup $match $merge $out $planCacheStats $project $querySettings $redact
$replaceRoot $replaceWith $sample $search $searchMeta $set $setWindowFields $shardedDataDistribution $skip $sort
$sortByCount $unionWith $unset $unwind $vectorSearch
""".split())

EXPRESSIONS = frozenset("""
$abs $acos $acosh $add $addToSet $allElementsTrue $and $anyElementTrue $arrayElemAt $arrayToObject $asin $asinh
$atan $atan2 $atanh $avg $binarySize $bitAnd $bitNot $bitOr $bitXor $bottom $bottomN $bsonSize $ceil $cmp $concat
$concatArrays $cond $convert $cos $cosh $count $covariancePop $covarianceSamp $dateAdd $dateDiff $dateFromParts
$dateFromString $dateSubtract $dateToParts $dateToString $dateTrunc $dayOfMonth $dayOfWeek $dayOfYear
$degreesToRadians $denseRank $derivative $divide $documentNumber $eq $exp $expMovingAvg $filter $first $firstN
$floor $function $getField $gt $gte $hour $ifNull $in $indexOfArray $indexOfBytes $indexOfCP $integral $isArray
$isNumber $isoDayOfWeek $isoWeek $isoWeekYear $last $lastN $let $linearFill $literal $ln $locf $log $log10 $lt $lte
$ltrim $map $max $maxN $median $mergeObjects $meta $millisecond $min $minN $minute $mod $month $multiply $ne $not
$objectToArray $or $percentile $pow $push $radiansToDegrees $rand $range $rank $reduce $regexFind $regexFindAll
$regexMatch $replaceAll $replaceOne $reverseArray $round $rtrim $sampleRate $second $setDifference $setEquals
$setField $setIntersection $setIsSubset $setUnion $shift $sin $sinh $size $slice $sortArray $split $sqrt
$stdDevPop $stdDevSamp $strLenBytes $strLenCP $strcasecmp $substr $substrBytes $substrCP $subtract $sum $switch
$tan $tanh $toBool $toDate $toDecimal $toDouble $toHashedIndexKey $toInt $toLong $toLower $toObjectId $toString
$toUpper $top $topN $trim $trunc $tsIncrement $tsSecond $type $unsetField $week $year $zip
""".split())

QUERY_AND_UPDATE = frozenset("""
$all $bitsAllClear $bitsAllSet $bitsAnyClear $bitsAnySet $box $center $centerSphere $comment $currentDate
$elemMatch $exists $expr $geoIntersects $geoWithin $geometry $inc $jsonSchema $maxDistance $minDistance $mul $near
$nearSphere $nin $nor $polygon $pop $position $pull $pullAll $regex $rename $setOnInsert $text $where $each
""".split())

OPERATORS = STAGES | EXPRESSIONS | QUERY_AND_UPDATE

# "Although X is a valid ... it is currently not implemented in Mongomock": a known gap.
_GAP = re.compile(r"valid .* currently not implemented", re.S)
# The operator an error names: "$grup is not a valid operator", "Unrecognized expression '$rund'".
_NAMED = re.compile(r"(?:^|['\s(])(\$[A-Za-z][A-Za-z0-9]*)")


def _from_mongomock(tb: TracebackType | None) -> bool:
    last = None
    while tb is not None:
        last, tb = tb.tb_frame.f_code.co_filename, tb.tb_next
    return last is not None and f"{os.sep}mongomock{os.sep}" in last


def verdict(exc: BaseException) -> tuple[str, str] | None:
    """For an error the embedded database raised: ("limit", what it lacks) when a real MongoDB
    would run the query, ("mistake", the operator) when MongoDB has no such operator either.
    None for any other error (not mongomock's, or not about an unsupported feature)."""
    if not _from_mongomock(exc.__traceback__):
        return None
    text = str(exc)
    name = type(exc).__name__
    unknown_expression = name == "OperationFailure" and text.startswith("Unrecognized expression")
    if not isinstance(exc, NotImplementedError) and not unknown_expression:
        return None
    if _GAP.search(text):
        return "limit", text
    named = _NAMED.search(text)
    if named and (unknown_expression or "not a valid" in text):
        operator = named.group(1)
        return ("limit", text) if operator in OPERATORS else ("mistake", operator)
    return ("limit", text) if isinstance(exc, NotImplementedError) else None
